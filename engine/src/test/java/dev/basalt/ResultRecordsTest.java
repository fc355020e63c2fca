package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class ResultRecordsTest {
    private static final KeyInfo A = new KeyInfo("a", null, null);
    private static final KeyInfo B = new KeyInfo("b", 1_700_000_060L,
            JsonNodeFactory.instance.objectNode().put("v", 1));

    @Test
    void listResultKeepsACopyOfTheKeysItCannotChange() {
        List<KeyInfo> keys = new ArrayList<>(List.of(A, B));
        ListResult result = new ListResult(keys, true, null);
        keys.clear();
        assertThat(result.keys()).containsExactly(A, B);
        assertThatThrownBy(() -> result.keys().add(A)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void completeListHasNoCursorAndIncompleteListHasOne() {
        assertThat(new ListResult(List.of(), true, null).cursor()).isNull();
        assertThat(new ListResult(List.of(A), false, "next").cursor()).isEqualTo("next");
        assertThatThrownBy(() -> new ListResult(List.of(A), true, "next"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("next");
        assertThatThrownBy(() -> new ListResult(List.of(A), false, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> new ListResult(List.of(A), false, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"\"");
    }

    @Test
    void listResultRejectsNullKeys() {
        assertThatThrownBy(() -> new ListResult(null, true, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ListResult(Arrays.asList(A, null), true, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void keyInfoNeedsAName() {
        assertThat(B.name()).isEqualTo("b");
        assertThat(B.expiration()).isEqualTo(1_700_000_060L);
        assertThat(B.metadata().get("v").asInt()).isEqualTo(1);
        assertThatThrownBy(() -> new KeyInfo(null, null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
    }

    @Test
    void absentValueHasNeitherValueNorMetadata() {
        ValueWithMetadata<String> absent = ValueWithMetadata.absent();
        assertThat(absent.value()).isNull();
        assertThat(absent.metadata()).isNull();
        assertThat(absent).isEqualTo(new ValueWithMetadata<String>(null, null));
        assertThat(new ValueWithMetadata<>("", null)).isNotEqualTo(absent);
    }
}
