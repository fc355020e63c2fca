package dev.basalt.server;

import static dev.basalt.server.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The raw responses, at the level curl sees them: status codes, Cloudflare's envelope, headers,
 * and what a refused request leaves behind (nothing). One in-process server for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawHttpTest {
    private TestServer server;
    private String ns;

    @BeforeAll
    void start(@TempDir Path work) throws Exception {
        server = new TestServer(work);
        ns = server.createNamespace("raw");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static void assertError(HttpResponse<String> response, int status, int code, String messagePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = json(response);
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("errors").get(0).path("code").asInt()).as(response.body()).isEqualTo(code);
        assertThat(body.path("errors").get(0).path("message").asString()).contains(messagePart);
        assertThat(body.path("messages").isArray()).isTrue();
        assertThat(body.path("result").isNull()).isTrue();
    }

    private boolean exists(String encodedKey) throws Exception {
        return server.get("/" + ns + "/values/" + encodedKey).statusCode() == 200;
    }

    @Test
    void successCarriesTheWholeEnvelope() throws Exception {
        HttpResponse<String> response = server.get("/" + ns);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = json(response);
        assertThat(body.path("success").asBoolean()).isTrue();
        assertThat(body.path("errors").isEmpty()).isTrue();
        assertThat(body.path("messages").isEmpty()).isTrue();
        assertThat(body.path("result").path("id").asString()).isEqualTo(ns);
        assertThat(body.path("result").path("title").asString()).isEqualTo("raw");
    }

    @Test
    void valuesAreRawBytesWithTheirLength() throws Exception {
        byte[] value = {0, 1, 2, (byte) 0xff};
        HttpResponse<String> put = server.send("PUT", "/" + ns + "/values/bytes",
                HttpRequest.BodyPublishers.ofByteArray(value), "application/octet-stream", TestServer.TOKEN);
        assertThat(json(put).path("success").asBoolean()).isTrue();
        HttpResponse<String> get = server.get("/" + ns + "/values/bytes");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(get.headers().firstValueAsLong("Content-Length")).hasValue(4);
        assertThat(get.body().getBytes(StandardCharsets.ISO_8859_1).length).isEqualTo(4);
    }

    @Test
    void anEmptyValueIsStoredAndDistinctFromAbsent() throws Exception {
        server.send("PUT", "/" + ns + "/values/empty", HttpRequest.BodyPublishers.noBody(), null, TestServer.TOKEN);
        HttpResponse<String> get = server.get("/" + ns + "/values/empty");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEmpty();
        assertError(server.get("/" + ns + "/values/never-written"), 404, 10009, "key not found");
    }

    @Test
    void missingAndWrongTokensAreRefusedAndWriteNothing() throws Exception {
        HttpResponse<String> missing = server.send("PUT", "/" + ns + "/values/secret",
                HttpRequest.BodyPublishers.ofString("x"), "text/plain", null);
        assertError(missing, 401, 10000, "Authentication error");
        HttpResponse<String> wrong = server.send("PUT", "/" + ns + "/values/secret",
                HttpRequest.BodyPublishers.ofString("x"), "text/plain", "guess");
        assertError(wrong, 403, 10000, "Authentication error");
        HttpResponse<String> wrongRead = server.send("GET", "", HttpRequest.BodyPublishers.noBody(), null, "guess");
        assertError(wrongRead, 403, 10000, "invalid token");
        assertThat(exists("secret")).isFalse();
    }

    @Test
    void unknownEndpointsAndMethodsAreRefused() throws Exception {
        assertError(server.get("/" + ns + "/nothing-here"), 404, 10025, "no endpoint");
        assertError(server.send("POST", "/" + ns + "/values/k", "{}"), 405, 10025, "use GET, PUT, DELETE");
        assertError(server.get("/" + "f".repeat(32) + "/keys"), 404, 10013, "namespace not found");
        assertError(server.get("/not-hex/keys"), 400, 10011, "32 lowercase hex");
    }

    @Test
    void keysArePercentDecodedOnce() throws Exception {
        server.send("PUT", "/" + ns + "/values/dir%2Fa%20b%25", HttpRequest.BodyPublishers.ofString("v"), null,
                TestServer.TOKEN);
        HttpResponse<String> list = server.get("/" + ns + "/keys?prefix=dir%2F");
        assertThat(json(list).path("result").get(0).path("name").asString()).isEqualTo("dir/a b%");
        assertThat(exists("dir/a%20b%25")).as("a literal slash means the same key").isTrue();
        // Not even URI syntax: the JDK's server refuses the request line itself, also with a 400.
        String head = server.head("GET", "/" + ns + "/values/bad", "Connection: close").replace("/bad ", "/bad%zz ");
        assertThat(server.raw(head.getBytes(StandardCharsets.ISO_8859_1), false)).startsWith("HTTP/1.1 400");
        assertError(server.get("/" + ns + "/values/bad%ff"), 400, 10020, "URL-decode");
    }

    @Test
    void pathTraversalInKeysIsJustAKeyAndInIdsIsRefused() throws Exception {
        String traversal = "..%2F..%2F..%2Fetc%2Fpasswd";
        HttpResponse<String> put = server.send("PUT", "/" + ns + "/values/" + traversal,
                HttpRequest.BodyPublishers.ofString("harmless"), null, TestServer.TOKEN);
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(server.get("/" + ns + "/values/" + traversal).body()).isEqualTo("harmless");
        assertError(server.get("/" + ns + "/values/.."), 400, 10020, "reserved");
        assertError(server.get("/..%2F..%2Fetc/keys"), 400, 10011, "malformed");
        assertThat(server.directory.resolve("../../etc/passwd").normalize()).doesNotExist();
    }

    @Test
    void keyLimitIsRefusedWithTheFigure() throws Exception {
        String key = "k".repeat(513);
        HttpResponse<String> put = server.send("PUT", "/" + ns + "/values/" + key,
                HttpRequest.BodyPublishers.ofString("v"), null, TestServer.TOKEN);
        assertError(put, 414, 10020, "key is 513 bytes of UTF-8; the limit is 512");
    }

    @Test
    void anOversizedDeclaredBodyIsRefusedBeforeItIsRead() throws Exception {
        String head = server.head("PUT", "/" + ns + "/values/huge", "Content-Length: 30000000");
        String answer = server.raw(head.getBytes(StandardCharsets.ISO_8859_1), false);
        assertThat(answer).startsWith("HTTP/1.1 413").contains("\"code\":10024").contains("26214400");
        assertThat(exists("huge")).isFalse();
    }

    @Test
    void anOversizedChunkedBodyIsCutOffAndNothingIsWritten() throws Exception {
        byte[] value = new byte[(25 << 20) + 1];
        HttpResponse<String> put = server.send("PUT", "/" + ns + "/values/chunked",
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(value)), null,
                TestServer.TOKEN);
        assertError(put, 413, 10024, "more than 26214400 bytes");
        assertThat(exists("chunked")).isFalse();
    }

    @Test
    void aClientThatDisconnectsMidUploadLeavesNothing() throws Exception {
        String head = server.head("PUT", "/" + ns + "/values/torn", "Content-Length: 100000");
        byte[] half = new byte[50_000];
        byte[] request = new byte[head.length() + half.length];
        System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, request, 0, head.length());
        server.raw(request, true);
        assertThat(exists("torn")).isFalse();
    }

    @Test
    void malformedMultipartIsRefusedAndWritesNothing() throws Exception {
        String[] bodies = {
            "--B\r\nContent-Disposition: form-data; name=\"value\"\r\n\r\nno closing boundary",
            "--B\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}\r\n--B--\r\n",
            "--B\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--B--\r\n",
            "--B\r\nContent-Disposition: form-data; name=\"value\"\nbare LF\r\n\r\nv\r\n--B--\r\n",
            "garbage without any boundary",
        };
        for (String body : bodies) {
            HttpResponse<String> put = server.send("PUT", "/" + ns + "/values/multipart",
                    HttpRequest.BodyPublishers.ofString(body), "multipart/form-data; boundary=B", TestServer.TOKEN);
            assertThat(put.statusCode()).as(body + " -> " + put.body()).isEqualTo(400);
            assertThat(json(put).path("errors").get(0).path("code").asInt()).isEqualTo(10012);
        }
        HttpResponse<String> noBoundary = server.send("PUT", "/" + ns + "/values/multipart",
                HttpRequest.BodyPublishers.ofString("x"), "multipart/form-data", TestServer.TOKEN);
        assertError(noBoundary, 400, 10012, "boundary");
        assertThat(exists("multipart")).isFalse();
    }

    @Test
    void multipartWithMetadataAfterTheValueIsStoredWhole() throws Exception {
        String body = "preamble\r\n--B\r\nContent-Disposition: form-data; name=\"value\"\r\n\r\nv1\r\n--B\r\n"
                + "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"a\":[1,2]}\r\n--B--\r\n";
        HttpResponse<String> put = server.send("PUT", "/" + ns + "/values/form?expiration_ttl=300",
                HttpRequest.BodyPublishers.ofString(body), "multipart/form-data; boundary=\"B\"", TestServer.TOKEN);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(server.get("/" + ns + "/values/form").body()).isEqualTo("v1");
        assertThat(json(server.get("/" + ns + "/metadata/form")).path("result").toString()).isEqualTo("{\"a\":[1,2]}");
    }

    @Test
    void listArgumentsOutsideTheirRangeAreRefused() throws Exception {
        assertError(server.get("/" + ns + "/keys?limit=5"), 400, 10028, "limit is 5; it must be 10..1000");
        assertError(server.get("/" + ns + "/keys?limit=1001"), 400, 10028, "10..1000");
        assertError(server.get("/" + ns + "/keys?cursor=not-a-cursor"), 400, 10028, "cursor");
        assertError(server.get("?per_page=1000"), 400, 10028, "per_page is 1000; it must be 5..100");
    }

    @Test
    void aBadBulkEntryRefusesTheWholeRequest() throws Exception {
        String body = "[{\"key\":\"bulk-ok\",\"value\":\"1\"},{\"key\":\"" + "k".repeat(600) + "\",\"value\":\"2\"}]";
        assertError(server.send("PUT", "/" + ns + "/bulk", body), 414, 10020, "600 bytes");
        assertThat(exists("bulk-ok")).isFalse();
        String badTtl = "[{\"key\":\"bulk-ok\",\"value\":\"1\"},{\"key\":\"b\",\"value\":\"2\",\"expiration_ttl\":5}]";
        assertError(server.send("PUT", "/" + ns + "/bulk", badTtl), 400, 10033, "minimum is 60");
        assertThat(exists("bulk-ok")).isFalse();
        String bigMeta = "[{\"key\":\"m\",\"value\":\"1\",\"metadata\":\"" + "x".repeat(1100) + "\"}]";
        assertError(server.send("PUT", "/" + ns + "/bulk", bigMeta), 413, 10029, "the limit is 1024");
        assertError(server.send("PUT", "/" + ns + "/bulk", "[{\"key\":\"m\",\"value\":\"%%\",\"base64\":true}]"),
                400, 10012, "not base64");
        assertError(server.send("PUT", "/" + ns + "/bulk", "{not json"), 400, 10012, "not valid JSON");
    }

    @Test
    void bulkCountsAboveTheLimitAreRefusedWithTheFigure() throws Exception {
        String pairs = IntStream.range(0, 10_001).mapToObj(i -> "{\"key\":\"k" + i + "\",\"value\":\"v\"}")
                .collect(Collectors.joining(",", "[", "]"));
        assertError(server.send("PUT", "/" + ns + "/bulk", pairs), 413, 10024, "10001 pairs; the limit is 10000");
        assertThat(exists("k0")).isFalse();
        String keys = IntStream.range(0, 10_001).mapToObj(i -> "\"k" + i + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        assertError(server.send("POST", "/" + ns + "/bulk/delete", keys), 413, 10024, "10001 keys; the limit is 10000");
    }

    @Test
    void namespaceTitlesAreUniqueAndRequired() throws Exception {
        assertError(server.send("POST", "", "{\"title\":\"raw\"}"), 400, 10014, "already exists");
        assertError(server.send("POST", "", "{}"), 400, 10019, "title");
        assertError(server.send("POST", "", "[1"), 400, 10012, "not valid JSON");
    }

    @Test
    void headerFloodsAreCutOff() throws IOException {
        String flood = IntStream.range(0, 5_000).mapToObj(i -> "X-Flood-" + i + ": a")
                .collect(Collectors.joining("\r\n"));
        String answer = server.raw(server.head("GET", "", flood).getBytes(StandardCharsets.ISO_8859_1), false);
        assertThat(answer).doesNotContain("\"success\":true").doesNotStartWith("HTTP/1.1 5");
    }
}
