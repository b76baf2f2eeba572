package dev.sortie.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
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

    /** {@code op} is one of ping, start, stop, retire, list, shutdown. */
    record Request(String op, InstanceSpec spec, String app, String release, Long timeoutMillis, Long drainMillis) {
    }

    record Response(boolean ok, String error, Long pid, List<InstanceInfo> instances) {
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
