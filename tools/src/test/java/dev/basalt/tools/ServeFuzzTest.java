package dev.basalt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.server.BasaltServer;
import dev.basalt.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input for {@code basalt serve}: 10,000 random requests (seed printed; replay with
 * {@code -Dbasalt.fuzz.seed=N}) built from valid pieces and broken ones — traversal in keys and
 * ids, bad escapes, NULs, huge and negative numbers, junk JSON, truncated multipart, wrong
 * tokens, odd methods — sent raw over sockets. No answer may be a 5xx (none of these is a
 * storage error), no file may appear outside the data directory, and {@code basalt verify}
 * must find the store clean afterwards.
 */
class ServeFuzzTest {
    private static final String TOKEN = "fuzz-token";
    private static final int REQUESTS = Integer.getInteger("basalt.fuzz.requests", 10_000);
    private static final int THREADS = 4;
    private static final Pattern DATA_FILES = Pattern.compile(
            "LOCK|STORE|CURSOR_KEY|CHECKPOINT|server-namespaces\\.json|\\d{12}\\.(seg|hint)");

    @Test
    void randomRequestsGetNoServerErrorAndLeaveACleanStore(@TempDir Path work) throws Exception {
        long seed = Long.getLong("basalt.fuzz.seed", System.nanoTime());
        System.out.println("ServeFuzzTest seed " + seed + " (replay: -Dbasalt.fuzz.seed=" + seed + ")");
        Path data = work.resolve("data");
        Path token = work.resolve("token");
        Files.writeString(token, TOKEN);
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        try (BasaltServer server = BasaltServer.start(ServerConfig.defaults(data).withPort(0).withTokenFile(token))) {
            String id = createNamespace(server.port());
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(seed + t);
                threads.add(new Thread(() -> {
                    RequestMaker maker = new RequestMaker(random, id);
                    for (int i = 0; i < REQUESTS / THREADS; i++) {
                        byte[] request = maker.next();
                        String answer = send(server.port(), request);
                        int status = status(answer);
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        if (status >= 500) {
                            serverErrors.add(new String(request, 0, Math.min(300, request.length),
                                    StandardCharsets.ISO_8859_1) + "\n  -> " + answer);
                        }
                    }
                }, "fuzz-" + t));
            }
            for (Thread thread : threads) {
                thread.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).as("fuzzer threads that failed (seed " + seed + ")").isEmpty();
        }
        System.out.println("ServeFuzzTest statuses (-1: connection closed without an answer): " + statuses);
        assertThat(serverErrors).as("5xx answers (seed " + seed + ")").isEmpty();
        assertThat(statuses.keySet()).as("the fuzzer reached both success and refusal").contains(200, 400);

        try (Stream<Path> files = Files.walk(work)) {
            List<String> outside = files.filter(Files::isRegularFile).filter(f -> !f.equals(token))
                    .filter(f -> !f.getParent().equals(data) || !DATA_FILES.matcher(f.getFileName().toString()).matches())
                    .map(Path::toString).collect(Collectors.toList());
            assertThat(outside).as("files other than the store's and the server's").isEmpty();
        }
        Cli verify = Cli.run("verify", data.toString());
        assertThat(verify.code()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("clean: no damage found");
    }

    private static String createNamespace(int port) {
        String body = "{\"title\":\"fuzz\"}";
        String answer = send(port, ("POST /client/v4/accounts/a/storage/kv/namespaces HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                + body).getBytes(StandardCharsets.ISO_8859_1));
        int at = answer.indexOf("\"id\":\"");
        assertThat(at).as(answer).isPositive();
        return answer.substring(at + 6, at + 6 + 32);
    }

    private static int status(String answer) {
        if (!answer.startsWith("HTTP/1.1 ") || answer.length() < 12) {
            return -1;
        }
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** Sends one request on its own connection and returns the answer's head (or "" when closed without one). */
    private static String send(int port, byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException refused) {
                // the server may close early on a request it refuses; read what it said
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            try {
                while (answer.size() < 4096 && (n = in.read(buffer)) > 0) {
                    answer.write(buffer, 0, n);
                }
            } catch (IOException reset) {
                // a reset after (or instead of) the answer
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new AssertionError("cannot reach the server", e);
        }
    }

    /** Builds random requests from good and bad pieces. Not thread-safe: one per thread. */
    private static final class RequestMaker {
        private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "GET",
            "PUT"};
        private static final String[] KEYS = {"k", "a%2Fb", "..", ".", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%00",
            "%ff%fe", "%zz", "%", "emoji-%F0%9F%8E%89", "sp%20ace", "x".repeat(600), "a/../../b", "~root",
            "%c0%ae%c0%ae", "CON", "key?x=1", ""};
        private static final String[] TAILS = {"", "/keys", "/bulk", "/bulk/delete", "/bulk/get", "/values/",
            "/metadata/", "/values", "/unknown", "/bulk/get/extra"};
        private final Random random;
        private final String id;

        RequestMaker(Random random, String id) {
            this.random = random;
            this.id = id;
        }

        byte[] next() {
            if (random.nextInt(5) == 0) {
                return validWrite();
            }
            String method = pick(METHODS);
            String path = path();
            if (method.equals("DELETE") && path.endsWith("/" + id)) {
                path = path.replace(id, randomHex()); // keep the namespace the valid writes go to
            }
            String query = random.nextInt(3) == 0 ? "?" + query() : "";
            byte[] body = body();
            StringBuilder head = new StringBuilder(method + " " + path + query + " HTTP/1.1\r\nHost: x\r\n");
            int auth = random.nextInt(20);
            if (auth > 1) {
                head.append("Authorization: Bearer ").append(TOKEN).append("\r\n");
            } else if (auth == 1) {
                head.append("Authorization: Bearer wrong\r\n");
            }
            String contentType = random.nextInt(3) == 0 ? "multipart/form-data; boundary=" + (random.nextBoolean()
                    ? "XYZ" : "") : random.nextBoolean() ? "application/json" : null;
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            int framing = random.nextInt(10);
            if (framing == 0) {
                head.append("Content-Length: ").append(body.length + random.nextInt(1000) - 500).append("\r\n");
            } else if (framing == 1) {
                head.append("Content-Length: nonsense\r\n");
            } else if (framing != 2) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            if (random.nextInt(20) == 0) {
                head.append("X-Junk: ").append("j".repeat(random.nextInt(20_000))).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
            byte[] request = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, request, 0, headBytes.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
            return request;
        }

        /** A well-formed write of a random key (random code points, percent-encoded) and random bytes. */
        private byte[] validWrite() {
            StringBuilder key = new StringBuilder();
            for (int i = 1 + random.nextInt(20); i > 0; i--) {
                int codePoint = random.nextInt(4) == 0 ? 0x20 + random.nextInt(0x2FFF) : 0x20 + random.nextInt(0x5F);
                if (!Character.isSurrogate((char) codePoint)) {
                    key.appendCodePoint(codePoint);
                }
            }
            String encoded = java.net.URLEncoder.encode(key.toString(), StandardCharsets.UTF_8).replace("+", "%20");
            if (encoded.equals(".") || encoded.equals("..") || encoded.isEmpty()) {
                encoded = "k";
            }
            byte[] value = new byte[random.nextInt(4096)];
            random.nextBytes(value);
            String head = "PUT /client/v4/accounts/a/storage/kv/namespaces/" + id + "/values/" + encoded + " HTTP/1.1\r\n"
                    + "Host: x\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Length: " + value.length
                    + "\r\nConnection: close\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = new byte[headBytes.length + value.length];
            System.arraycopy(headBytes, 0, request, 0, headBytes.length);
            System.arraycopy(value, 0, request, headBytes.length, value.length);
            return request;
        }

        private String path() {
            String namespaceId = switch (random.nextInt(6)) {
                case 0 -> "..";
                case 1 -> "%2e%2e%2f%2e%2e";
                case 2 -> randomHex();
                case 3 -> "ZZ" + id.substring(2);
                default -> id;
            };
            String tail = pick(TAILS);
            if (tail.endsWith("/")) {
                tail += pick(KEYS) + (random.nextInt(4) == 0 ? "/" + pick(KEYS) : "");
            }
            String prefix = random.nextInt(30) == 0 ? "/client/v4/accounts/a/../../" : "/client/v4/accounts/a";
            return prefix + "/storage/kv/namespaces" + (random.nextInt(8) == 0 ? "" : "/" + namespaceId + tail);
        }

        private String query() {
            List<String> parts = new ArrayList<>();
            String[] names = {"limit", "cursor", "prefix", "expiration", "expiration_ttl", "page", "per_page", "order",
                "direction"};
            String[] values = {"10", "0", "-1", "99999999999999999999", "abc", "%zz", "..", "", "60", "3600",
                "1000", "title", "desc", "AAAA", "%00"};
            for (int i = random.nextInt(4); i >= 0; i--) {
                parts.add(pick(names) + "=" + pick(values));
            }
            return String.join("&", parts);
        }

        private byte[] body() {
            switch (random.nextInt(8)) {
                case 0:
                    return new byte[0];
                case 1: {
                    byte[] bytes = new byte[random.nextInt(2048)];
                    random.nextBytes(bytes);
                    return bytes;
                }
                case 2:
                    return ("[{\"key\":\"" + pick(KEYS) + "\",\"value\":\"v\",\"expiration_ttl\":" + (random.nextInt(200) - 50)
                            + ",\"metadata\":{\"m\":" + random.nextInt() + "}},{\"key\":1}]").getBytes(StandardCharsets.UTF_8);
                case 3:
                    return ("{\"keys\":[\"k\",\"" + pick(KEYS) + "\"],\"type\":\"" + (random.nextBoolean() ? "json" : "xml")
                            + "\",\"withMetadata\":" + random.nextBoolean() + "}").getBytes(StandardCharsets.UTF_8);
                case 4:
                    return ("--XYZ\r\nContent-Disposition: form-data; name=\"value\"\r\n\r\nhello\r\n--XYZ\r\n"
                            + "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"a\":1}\r\n--XYZ--\r\n")
                            .substring(0, random.nextInt(139)).getBytes(StandardCharsets.UTF_8);
                case 5:
                    return ("--XYZ\r\nContent-Disposition: form-data; name=\"metadata[" + pick(KEYS) + "][]\"\r\n\r\nx\r\n"
                            + "--XYZ\r\nContent-Disposition: form-data; name=\"value\"\r\n\r\nv\r\n--XYZ--\r\n")
                            .getBytes(StandardCharsets.UTF_8);
                case 6:
                    return "{\"title\":\"t".concat(Integer.toString(random.nextInt(50))).concat("\"}")
                            .getBytes(StandardCharsets.UTF_8);
                default:
                    return "[\"k\",\"..\",\"%2F\"]".getBytes(StandardCharsets.UTF_8);
            }
        }

        private String randomHex() {
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 32; i++) {
                hex.append(Character.forDigit(random.nextInt(16), 16));
            }
            return hex.toString();
        }

        private String pick(String[] choices) {
            return choices[random.nextInt(choices.length)];
        }
    }
}
