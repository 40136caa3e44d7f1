package io.oauthmail.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts an option's value to one of an enum's constants by the name the user types (the constant's
 * {@code toString()}, e.g. {@code gmail-api}), ignoring case. A value that is none of them is a usage error
 * that names the accepted ones as they are typed: picocli's own enum conversion would list the Java names
 * ({@code GMAIL_API}) beside them.
 */
public abstract class Choice<E extends Enum<E>> implements ITypeConverter<E> {

    private final Class<E> type;

    protected Choice(Class<E> type) {
        this.type = type;
    }

    @Override
    public E convert(String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.toString().equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        throw new TypeConversionException("expected one of " + Arrays.stream(type.getEnumConstants()).map(E::toString)
                .collect(Collectors.joining(", ")) + ", but was '" + value + "'");
    }

    /** The typed name of a constant: its name in lower case with dashes, {@code GMAIL_API} as {@code gmail-api}. */
    public static String typed(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
