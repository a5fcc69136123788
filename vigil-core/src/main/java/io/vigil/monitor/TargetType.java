package io.vigil.monitor;

/** ONAP control-loop target type; decides the AAI key of the control-loop event. */
public enum TargetType {
    /** AAI key {@code generic-vnf.vnf-name}. */
    VNF("generic-vnf.vnf-name"),
    /** AAI key {@code vserver.vserver-name}. */
    VM("vserver.vserver-name");

    private final String aaiKey;

    TargetType(String aaiKey) {
        this.aaiKey = aaiKey;
    }

    public String aaiKey() {
        return aaiKey;
    }
}
