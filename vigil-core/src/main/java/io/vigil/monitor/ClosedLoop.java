package io.vigil.monitor;

/**
 * The ONAP closed-loop fields copied into every control-loop event of a monitor.
 * Any field may be null when the operator does not use ONAP policy; it is then emitted as null.
 */
public record ClosedLoop(
        String controlName,
        String policyName,
        String policyVersion,
        String policyScope,
        TargetType targetType,
        String target,
        String version) {

    public static final ClosedLoop NONE = new ClosedLoop(null, null, null, null, TargetType.VNF, null, null);

    public ClosedLoop {
        if (targetType == null) targetType = TargetType.VNF;
    }
}
