package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The README's example, run as written (keep the two in step). */
class ReadmeExampleTest {
    record Session(String user, int plan) {
    }

    @Test
    void theReadmeExampleRuns(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        // README example: begin
        try (Basalt db = Basalt.open(dir)) {
            KvNamespace sessions = db.namespace("SESSIONS");
            sessions.put("session:42", "{\"user\":\"ada\",\"plan\":3}",
                    PutOptions.expirationTtl(Duration.ofHours(1).toSeconds())
                            .withMetadata(java.util.Map.of("ip", "10.0.0.7")));

            String text = sessions.get("session:42");                           // the JSON text
            Session session = sessions.get("session:42", ValueType.json(Session.class));
            ValueWithMetadata<JsonNode> withMeta = sessions.getWithMetadata("session:42", ValueType.JSON);

            sessions.delete("session:42");
            assertThat(sessions.get("session:42")).isNull();
            // README example: end
            assertThat(text).isEqualTo("{\"user\":\"ada\",\"plan\":3}");
            assertThat(session).isEqualTo(new Session("ada", 3));
            assertThat(withMeta.value().get("plan").asInt()).isEqualTo(3);
            assertThat(withMeta.metadata().get("ip").asString()).isEqualTo("10.0.0.7");
        }
        try (Basalt db = Basalt.open(dir)) {
            assertThat(db.namespaces()).containsExactly("SESSIONS");
            assertThat(db.namespace("SESSIONS").get("session:42")).isNull();
        }
    }

    @Test
    void thePortingFromAWorkerExampleRuns(@TempDir Path tmp) {
        try (Basalt db = Basalt.open(tmp.resolve("data"))) {
            KvNamespace config = db.namespace("CONFIG");
            KvNamespace sessions = db.namespace("SESSIONS");
            config.put("flags", "{\"beta\":true}");
            sessions.put("a", "{\"n\":1}");
            sessions.put("user:1", "x");
            sessions.put("user:2", "y");
            java.util.List<String> printed = new java.util.ArrayList<>();
            // README porting example: begin
            JsonNode flags = config.get("flags", ValueType.JSON, GetOptions.cacheTtl(300));
            java.util.Map<String, ValueWithMetadata<JsonNode>> found =
                    sessions.getWithMetadata(java.util.List.of("a", "b"), ValueType.JSON);
            try (java.util.stream.Stream<KeyInfo> keys = sessions.listAll("user:")) {
                keys.forEach(key -> printed.add(key.name()));
            }
            // README porting example: end
            assertThat(flags.get("beta").asBoolean()).isTrue();
            assertThat(found.get("a").value().get("n").asInt()).isEqualTo(1);
            assertThat(found).containsEntry("b", null);
            assertThat(printed).containsExactly("user:1", "user:2");
        }
    }
}
