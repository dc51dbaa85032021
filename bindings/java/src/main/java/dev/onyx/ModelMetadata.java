package dev.onyx;

import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/** A model's metadata, read once when the session is created. Immutable. */
public final class ModelMetadata {
    private final String producer;
    private final String graphName;
    private final String domain;
    private final String description;
    private final String graphDescription;
    private final OptionalLong version;
    private final Map<String, String> custom;

    /** From the native layout: five strings, the version ("" for none), then key, value pairs. */
    ModelMetadata(String[] fields) {
        producer = fields[0];
        graphName = fields[1];
        domain = fields[2];
        description = fields[3];
        graphDescription = fields[4];
        version = fields[5].isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(fields[5]));
        Map<String, String> map = new TreeMap<>();
        for (int i = 6; i + 1 < fields.length; i += 2) {
            map.put(fields[i], fields[i + 1]);
        }
        custom = Collections.unmodifiableMap(map);
    }

    /** @return the tool that produced the model ("" when unset) */
    public String producer() {
        return producer;
    }

    /** @return the graph's name */
    public String graphName() {
        return graphName;
    }

    /** @return the model's domain */
    public String domain() {
        return domain;
    }

    /** @return the model's description */
    public String description() {
        return description;
    }

    /** @return the graph's description */
    public String graphDescription() {
        return graphDescription;
    }

    /** @return the model version, empty when the model sets none */
    public OptionalLong version() {
        return version;
    }

    /** @return the custom key/value pairs ({@code metadata_props}), sorted by key */
    public Map<String, String> custom() {
        return custom;
    }
}
