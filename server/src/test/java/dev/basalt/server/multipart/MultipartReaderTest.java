package dev.basalt.server.multipart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {
    /** Hands out at most {@code step} bytes per read, so delimiters straddle every window edge. */
    private static InputStream trickle(byte[] bytes, int step) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] target, int offset, int length) {
                return super.read(target, offset, Math.min(step, length));
            }
        };
    }

    @Test
    void aLargeBinaryPartComesThroughExactlyWhateverTheReadSizes() throws IOException {
        byte[] value = new byte[300_000];
        new Random(7).nextBytes(value);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write("--b0undary\r\nContent-Disposition: form-data; name=\"value\"; filename=\"x\"\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        body.write(value);
        body.write("\r\n--b0undary\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"a\":1}\r\n--b0undary--\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        for (int step : new int[] {1, 7, 4096, 1 << 20}) {
            MultipartReader reader = new MultipartReader(trickle(body.toByteArray(), step), "b0undary");
            MultipartReader.Part first = reader.next();
            assertThat(first.name()).isEqualTo("value");
            assertThat(first.body().readAllBytes()).isEqualTo(value);
            MultipartReader.Part second = reader.next();
            assertThat(second.name()).isEqualTo("metadata");
            assertThat(new String(second.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aBodyCutInsideAPartIsMalformed() throws IOException {
        byte[] body = "--b\r\nContent-Disposition: form-data; name=\"value\"\r\n\r\nhalf".getBytes(StandardCharsets.UTF_8);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), "b");
        MultipartReader.Part part = reader.next();
        assertThatThrownBy(() -> part.body().readAllBytes()).isInstanceOf(MalformedMultipartException.class)
                .hasMessageContaining("ends inside a part");
    }

    @Test
    void oversizedHeadersAndBoundariesAreRefused() throws IOException {
        assertThatThrownBy(() -> new MultipartReader(new ByteArrayInputStream(new byte[0]), "x".repeat(71)))
                .hasMessageContaining("1..70");
        byte[] body = ("--b\r\nX-Long: " + "h".repeat(20_000) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), "b");
        assertThatThrownBy(reader::next).hasMessageContaining("the limit is 16384");
    }

    @Test
    void theBoundaryParameterMayBeQuoted() {
        assertThat(MultipartReader.boundaryOf("multipart/form-data; boundary=\"a b\"")).isEqualTo("a b");
        assertThat(MultipartReader.boundaryOf("multipart/form-data;boundary=xyz; charset=utf-8")).isEqualTo("xyz");
        assertThat(MultipartReader.boundaryOf("multipart/form-data")).isNull();
    }
}
