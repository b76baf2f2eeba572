package dev.sortie.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Reads YAML config files into records; every error names the file and the key path. */
public final class ConfigLoader {

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // "port: 8080.5" is a mistake, not 8080
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
            .build();

    static {
        // "timeout: yes" or "port: true" are mistakes, not values
        MAPPER.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        MAPPER.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }

    private ConfigLoader() {
    }

    /** Loads an app's sortie.yml text; {@code source} names it in messages. */
    public static AppConfig parseApp(String yaml, String source) {
        AppConfig config = parse(yaml, source, AppConfig.class, AppConfig.defaults());
        AppConfigValidator.validate(config, source);
        return config;
    }

    public static ServerConfig loadServer(Path file) {
        if (!Files.exists(file)) {
            return ServerConfig.defaults();
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        ServerConfig config = parse(text, file.toString(), ServerConfig.class, ServerConfig.defaults());
        int port = config.nginx().port();
        if (port < 1 || port > 65535) {
            throw new ConfigException(file + ": nginx.port: " + port + " is not a port number (1-65535)");
        }
        return config;
    }

    static <T> T parse(String yaml, String source, Class<T> type, T empty) {
        if (yaml.isBlank()) {
            return empty;
        }
        try (JsonParser parser = MAPPER.createParser(yaml)) {
            if (parser.nextToken() == null) {
                return empty; // only comments
            }
            T value = MAPPER.readValue(parser, type);
            return value == null ? empty : value;
        } catch (UnrecognizedPropertyException e) {
            String key = e.getPropertyName();
            String suggestion = Suggestions.nearest(key, known(e.getKnownPropertyIds()));
            throw new ConfigException(source + ": " + path(e) + ": unknown key"
                    + (suggestion != null ? " (did you mean " + suggestion + "?)" : "")
                    + "; known keys here: " + String.join(", ", known(e.getKnownPropertyIds())));
        } catch (InvalidFormatException e) {
            throw new ConfigException(source + ": " + path(e) + ": " + Quote.of(String.valueOf(e.getValue()))
                    + " is not a valid " + describe(e.getTargetType()).replaceFirst("^an? ", "") + detail(e));
        } catch (MismatchedInputException e) {
            throw new ConfigException(source + ": " + (path(e).isEmpty() ? "(top level)" : path(e))
                    + ": expected " + describe(e.getTargetType()) + detail(e));
        } catch (JsonMappingException e) {
            // a syntax error inside a list or mapping arrives wrapped with the path of the value being read
            if (e.getCause() instanceof JsonParseException syntax) {
                throw notYaml(source, syntax);
            }
            throw new ConfigException(source + ": " + path(e) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw notYaml(source, e);
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read: " + e.getMessage());
        }
    }

    private static ConfigException notYaml(String source, JsonProcessingException e) {
        var loc = e.getLocation();
        return new ConfigException(source + ": not valid YAML"
                + (loc != null ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : "")
                + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }

    private static List<String> known(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).sorted().toList();
    }

    private static String detail(JsonMappingException e) {
        String msg = e.getOriginalMessage();
        // our own deserializers explain themselves; Jackson's type names mean little to users
        return msg != null && msg.startsWith("use ") ? " (" + msg + ")" : "";
    }

    static String path(JsonMappingException e) {
        var sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different value";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list, e.g. [mvn, -B, package]";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Duration.class) {
            return "duration";
        }
        if (type.isRecord()) {
            return "a mapping of keys ("
                    + Arrays.stream(type.getRecordComponents())
                            .map(c -> PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(
                                    c.getName().equals("packaging") ? "package" : c.getName()))
                            .collect(Collectors.joining(", "))
                    + ")";
        }
        return type.getSimpleName();
    }

    /** Reads "30s", "2m", "500ms", "1h" or a bare number of seconds. */
    static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null) {
                return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
            }
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, "use a number with a unit: 500ms, 30s, 2m, 1h", text, Duration.class);
            }
        }
    }
}
