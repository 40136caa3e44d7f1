package io.oauthmail.cli.mail;

import io.oauthmail.OAuthMailException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A recipient list file for {@code send --each-to}: one address per line, blank lines and # comments ignored. */
final class AddressList {

    private AddressList() {
    }

    static List<String> read(Path file) {
        try {
            List<String> addresses = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String address = line.strip();
                if (!address.isEmpty() && !address.startsWith("#")) {
                    addresses.add(address);
                }
            }
            return addresses;
        } catch (IOException e) {
            throw new OAuthMailException("cannot read the recipient list " + file + ": " + e.getMessage(),
                    "give a readable file with one address per line", e);
        }
    }
}
