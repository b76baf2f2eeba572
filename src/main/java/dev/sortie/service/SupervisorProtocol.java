package dev.sortie.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;

/** The daemon's wire format: one JSON request and one JSON response per connection on its Unix socket. */
final class SupervisorProtocol {

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** {@code op} is one of ping, start, stop, retire, list, shutdown, or an op of a {@link SupervisorServer.Extension} (with {@code args}). */
    record Request(String op, InstanceSpec spec, String app, String release, Long timeoutMillis, Long drainMillis, JsonNode args) {
        Request(String op, InstanceSpec spec, String app, String release, Long timeoutMillis, Long drainMillis) {
            this(op, spec, app, release, timeoutMillis, drainMillis, null);
        }
    }

    record Response(boolean ok, String error, Long pid, List<InstanceInfo> instances, JsonNode result) {
        Response(boolean ok, String error, Long pid, List<InstanceInfo> instances) {
            this(ok, error, pid, instances, null);
        }

        static Response success() {
            return new Response(true, null, null, null);
        }

        static Response error(String message) {
            return new Response(false, message, null, null);
        }
    }

    private SupervisorProtocol() {
    }
}
