package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ValueTypeTest {
    record Foo(String name) { }

    @Test
    void constantsHaveTheirKindAndNoMappedType() {
        assertThat(ValueType.TEXT.kind()).isEqualTo(ValueType.Kind.TEXT);
        assertThat(ValueType.JSON.kind()).isEqualTo(ValueType.Kind.JSON);
        assertThat(ValueType.BYTES.kind()).isEqualTo(ValueType.Kind.BYTES);
        assertThat(ValueType.STREAM.kind()).isEqualTo(ValueType.Kind.STREAM);
        assertThat(ValueType.TEXT.mappedType()).isNull();
        assertThat(ValueType.JSON.mappedType()).isNull();
        assertThat(ValueType.BYTES.mappedType()).isNull();
        assertThat(ValueType.STREAM.mappedType()).isNull();
    }

    @Test
    void constantsCarryTheJavaTypeTheyReturn() {
        assertThat(ValueType.TEXT.javaType()).isEqualTo(String.class);
        assertThat(ValueType.JSON.javaType()).isEqualTo(JsonNode.class);
        assertThat(ValueType.BYTES.javaType()).isEqualTo(byte[].class);
        assertThat(ValueType.STREAM.javaType()).isEqualTo(InputStream.class);
    }

    @Test
    void jsonOfAClassIsMappedIntoIt() {
        ValueType<Foo> foo = ValueType.json(Foo.class);
        assertThat(foo.kind()).isEqualTo(ValueType.Kind.JSON_MAPPED);
        assertThat(foo.mappedType()).isEqualTo(Foo.class);
    }

    @Test
    void jsonOfTheSameClassIsEqual() {
        assertThat(ValueType.json(Foo.class))
                .isEqualTo(ValueType.json(Foo.class))
                .hasSameHashCodeAs(ValueType.json(Foo.class))
                .isNotEqualTo(ValueType.json(String.class));
    }

    @Test
    void kindsAreDistinct() {
        assertThat(ValueType.json(JsonNode.class)).isNotEqualTo(ValueType.JSON);
        assertThat(ValueType.json(String.class)).isNotEqualTo(ValueType.TEXT);
        assertThat(ValueType.TEXT).isNotEqualTo(ValueType.BYTES).isNotEqualTo("ValueType.TEXT");
    }

    @Test
    void jsonOfNullIsANullPointerException() {
        assertThatThrownBy(() -> ValueType.json(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("type");
    }

    @Test
    void toStringNamesTheConstantOrTheMappedClass() {
        assertThat(ValueType.TEXT).hasToString("ValueType.TEXT");
        assertThat(ValueType.JSON).hasToString("ValueType.JSON");
        assertThat(ValueType.BYTES).hasToString("ValueType.BYTES");
        assertThat(ValueType.STREAM).hasToString("ValueType.STREAM");
        assertThat(ValueType.json(Foo.class)).hasToString("ValueType.json(Foo)");
        @SuppressWarnings("rawtypes")
        ValueType<Map> map = ValueType.json(Map.class);
        assertThat(map).hasToString("ValueType.json(Map)");
    }

    @Test
    void anonymousClassesAreNamedInFull() {
        Object anonymous = new Object() { };
        assertThat(ValueType.json(anonymous.getClass()).toString())
                .isEqualTo("ValueType.json(" + anonymous.getClass().getName() + ")");
    }
}
