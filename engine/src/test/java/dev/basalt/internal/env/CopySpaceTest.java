package dev.basalt.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class CopySpaceTest {
    @Test
    void aReservedBufferOfTheAskedCapacityIsHandedOutOnceAndZeroed() {
        try (CopySpace space = new CopySpace()) {
            space.reserve(4096);
            space.reserve(64);
            assertThat(space.reservedBytes()).isEqualTo(4096 + 64);

            ByteBuffer taken = space.take(4096);

            assertThat(taken.isDirect()).isTrue();
            assertThat(taken.capacity()).isEqualTo(4096);
            for (int i = 0; i < taken.capacity(); i++) {
                assertThat(taken.get(i)).isZero();
            }
            assertThat(space.reservedBytes()).isEqualTo(64);
            assertThat(space.take(4096)).as("a second take, nothing reserved left").isNotSameAs(taken);
            assertThat(space.reservedBytes()).isEqualTo(64);
        }
    }

    @Test
    void aCapacityNobodyReservedIsAllocatedAndTheLeftoversAreFreedAtClose() {
        CopySpace space = new CopySpace();
        space.reserve(128);

        ByteBuffer unreserved = space.take(256);

        assertThat(unreserved.isDirect()).isTrue();
        assertThat(unreserved.capacity()).isEqualTo(256);
        assertThat(space.reservedBytes()).isEqualTo(128);
        space.close();
        assertThat(space.reservedBytes()).isZero();
        space.close(); // idempotent
        assertThat(space.reservedBytes()).isZero();
    }
}
