package io.cairn.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.domain.CairnException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The compat package gives what Python gives: {@code python-values.txt} holds inputs and the outputs Python
 * produced for them (the script that wrote it is in its header), so this test needs no Python to run.
 */
class PythonCompatibilityTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Arguments> pythonValues() throws IOException {
        try (InputStream in = PythonCompatibilityTest.class.getResourceAsStream("/compat/python-values.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .lines()
                            .filter(line -> !line.startsWith("#"))
                            .map(JSON::readTree)
                            .map(row -> Arguments.of(row.get(0).asString(), row.get(1), row.get(2)))
                            .toList()
                            .stream();
        }
    }

    @ParameterizedTest(name = "{0}({1}) is {2}")
    @MethodSource("pythonValues")
    void givesWhatPythonGives(String function, JsonNode input, JsonNode expected) {
        switch (function) {
            case "strip" -> assertThat(Python.strip(input.asString())).isEqualTo(expected.asString());
            case "split" ->
                assertThat(Python.split(input.asString()))
                        .isEqualTo(
                                expected.valueStream().map(JsonNode::asString).toList());
            case "int" ->
                assertThat(Python.parseInt(input.asString()))
                        .isEqualTo(
                                expected.isNull()
                                        ? Optional.empty()
                                        : Optional.of(new BigInteger(expected.asString())));
            case "repr" ->
                assertThat(PythonRepr.repr(JSON.readTree(input.asString()))).isEqualTo(expected.asString());
            case "str" ->
                assertThat(PythonRepr.str(JSON.readTree(input.asString()))).isEqualTo(expected.asString());
            case "tuple" ->
                assertThat(PythonRepr.tuple(
                                input.valueStream().map(JsonNode::asString).toList()))
                        .isEqualTo(expected.asString());
            case "dumps" ->
                assertThat(PythonJson.dumps(dict(JSON.readTree(input.asString()))))
                        .isEqualTo(expected.asString());
            case "literal" ->
                assertThat(PythonLiteral.parseDict(input.asString()))
                        .isEqualTo(expected.isNull() ? Optional.empty() : Optional.of(strings(expected)));
            case "bool" -> assertThat(OsloBoolean.isTrue(input.asString())).isEqualTo(expected.booleanValue());
            case "strict-bool" ->
                assertThat(OsloBoolean.fromString(input.asString()))
                        .isEqualTo(expected.isNull() ? Optional.empty() : Optional.of(expected.booleanValue()));
            case "bool-param" -> {
                if (expected.isNull()) {
                    assertThatThrownBy(() -> OsloBoolean.parameter("p", input.asString()))
                            .isInstanceOf(CairnException.class)
                            .hasMessage("Value '" + input.asString() + "' for 'p' is not a boolean.");
                } else {
                    assertThat(OsloBoolean.parameter("p", input.asString())).isEqualTo(expected.booleanValue());
                }
            }
            default -> throw new IllegalArgumentException("no such function in python-values.txt: " + function);
        }
    }

    /** A JSON object as the nested string maps json.dumps is given. */
    private static Map<String, Object> dict(JsonNode object) {
        Map<String, Object> dict = new LinkedHashMap<>();
        object.properties()
                .forEach(field -> dict.put(
                        field.getKey(),
                        field.getValue().isObject()
                                ? dict(field.getValue())
                                : field.getValue().asString()));
        return dict;
    }

    /** Python's dict of matchable text, with None (JSON null) for what matches nothing. */
    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> strings = new LinkedHashMap<>();
        object.properties()
                .forEach(field -> strings.put(
                        field.getKey(),
                        field.getValue().isNull() ? null : field.getValue().asString()));
        return strings;
    }
}
