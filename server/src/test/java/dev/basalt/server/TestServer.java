package dev.basalt.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An in-process server on a free loopback port with a token, and the requests tests make to it. */
final class TestServer implements AutoCloseable {
    static final String TOKEN = "test-token-0123456789";
    static final String ACCOUNT = "acct";
    static final JsonMapper JSON = JsonMapper.builder().build();

    final Path directory;
    final BasaltServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    TestServer(Path work) throws IOException {
        directory = work.resolve("data");
        Path tokenFile = work.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        server = BasaltServer.start(ServerConfig.defaults(directory).withPort(0).withTokenFile(tokenFile));
    }

    /** {@code /client/v4/accounts/ACCOUNT/storage/kv/namespaces} + {@code rest}. */
    String url(String rest) {
        return server.baseUrl() + "/accounts/" + ACCOUNT + "/storage/kv/namespaces" + rest;
    }

    HttpResponse<String> send(String method, String rest, HttpRequest.BodyPublisher body, String contentType,
                              String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(rest))).timeout(Duration.ofSeconds(60))
                .method(method, body);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> send(String method, String rest, String body) throws IOException, InterruptedException {
        return send(method, rest, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body), body == null ? null : "application/json", TOKEN);
    }

    HttpResponse<String> get(String rest) throws IOException, InterruptedException {
        return send("GET", rest, null);
    }

    /** Creates a namespace and returns its id. */
    String createNamespace(String title) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", "", "{\"title\":\"" + title + "\"}");
        if (response.statusCode() != 200) {
            throw new AssertionError("create namespace: " + response.statusCode() + " " + response.body());
        }
        return json(response).path("result").path("id").asString();
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** Sends raw bytes on a fresh connection and returns what comes back before the server closes it or 10 s pass. */
    String raw(byte[] request, boolean closeOutput) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            if (closeOutput) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder answer = new StringBuilder();
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    if (answer.indexOf("\r\n\r\n") >= 0 && answer.toString().contains("\"result\"")) {
                        break; // one whole envelope is enough
                    }
                }
            } catch (IOException e) {
                answer.append("<").append(e.getClass().getSimpleName()).append(">");
            }
            return answer.toString();
        }
    }

    /** Raw request head with the token, for the socket-level tests. */
    String head(String method, String rest, String... headers) {
        StringBuilder head = new StringBuilder(method + " " + URI.create(url(rest)).getRawPath() + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    @Override
    public void close() {
        server.close();
    }
}
