package dev.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Slow requests time out: a server whose request time limit is 2 s (set JVM-wide, so in a child
 * JVM) drops a connection that sends its headers or its body too slowly, and a value that never
 * arrived whole is not stored.
 */
class SlowRequestTest {
    private static final String TOKEN = "slow-token";

    @Test
    void slowHeadersAndSlowBodiesAreDroppedAndWriteNothing(@TempDir Path work) throws Exception {
        Path token = ChildServer.tokenFile(work, TOKEN);
        try (ChildServer server = ChildServer.start(work.resolve("data"), token,
                List.of("-Dsun.net.httpserver.maxReqTime=2"))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = server.baseUrl + "/accounts/a/storage/kv/namespaces";
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"slow\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = JsonMapper.builder().build().readTree(created.body()).path("result").path("id").asString();
            URI uri = URI.create(base + "/" + id + "/values/slow");

            long headersDropped = secondsUntilClosed(uri, "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: x\r\n");
            assertThat(headersDropped).as("seconds until a half-sent head is dropped").isBetween(1L, 8L);

            String head = "PUT " + uri.getRawPath() + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(10);
            long bodyDropped = secondsUntilClosed(uri, head);
            assertThat(bodyDropped).as("seconds until a half-sent body is dropped").isBetween(1L, 8L);

            HttpResponse<String> read = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).as(read.body()).isEqualTo(404);
        }
    }

    /** Sends {@code start} and nothing more; returns how long the server waits before closing. */
    private static long secondsUntilClosed(URI uri, String start) throws Exception {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(start.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long begun = System.nanoTime();
            InputStream in = socket.getInputStream();
            try {
                while (in.read() >= 0) {
                    // whatever the server says before it closes
                }
            } catch (java.net.SocketException reset) {
                // a reset is a close too
            }
            return (System.nanoTime() - begun) / 1_000_000_000L;
        }
    }
}
