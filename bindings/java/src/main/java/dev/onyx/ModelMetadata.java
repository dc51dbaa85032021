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

    /** Made by the native library, from onyx-core's metadata, in one call. */
    ModelMetadata(String producer, String graphName, String domain, String description, String graphDescription,
            boolean hasVersion, long version, String[] customKeys, String[] customValues) {
        this.producer = producer;
        this.graphName = graphName;
        this.domain = domain;
        this.description = description;
        this.graphDescription = graphDescription;
        this.version = hasVersion ? OptionalLong.of(version) : OptionalLong.empty();
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < customKeys.length; i++) {
            map.put(customKeys[i], customValues[i]);
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
