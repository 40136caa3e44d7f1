package io.oauthmail.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import java.io.IOException;

/**
 * Reads TOML into a tree with the TOML module's streaming parser. {@code TomlMapper.readTree} does the
 * same but first builds a full ObjectMapper, which costs some 270 classes and 120 ms at start-up; the
 * config is read by every command, {@code oauthmail token} included.
 */
final class TomlTree {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TomlTree() {
    }

    /** @throws com.fasterxml.jackson.core.JacksonException with the line, for text that is not TOML */
    static JsonNode read(String text) throws IOException {
        try (JsonParser parser = new TomlFactory().createParser(text)) {
            JsonToken first = parser.nextToken();
            return first == null ? NODES.objectNode() : node(parser, first);
        }
    }

    private static JsonNode node(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    object.set(name, node(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    array.add(node(parser, next));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return NODES.numberNode(parser.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> {
                // TOML dates and times arrive as embedded objects: oauthmail reads none, keep their text
                return NODES.textNode(String.valueOf(parser.getEmbeddedObject()));
            }
        }
    }
}
