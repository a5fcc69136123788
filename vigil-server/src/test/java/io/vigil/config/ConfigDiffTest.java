package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
    private static final Monitor VDNS = new Monitor("Heartbeat_vDNS", Duration.ofSeconds(60), 3, TimeBase.EVENT, ClosedLoop.NONE);
    private static final Monitor VFW = new Monitor("Heartbeat_vFW", Duration.ofSeconds(30), 2, TimeBase.EVENT, ClosedLoop.NONE);

    private static VigilConfig with(Monitor... monitors) {
        return VigilConfig.defaults().withMonitors(List.of(monitors));
    }

    @Test
    void sameConfigChangesNothing() {
        ConfigDiff d = ConfigDiff.between(with(VDNS, VFW), with(VFW, VDNS));
        assertThat(d.monitorsUnchanged()).isTrue();
        assertThat(d.restartNeeded()).isEmpty();
    }

    @Test
    void newEventNameIsAddedAndMissingOneIsRemoved() {
        Monitor vlb = new Monitor("Heartbeat_vLB", Duration.ofSeconds(5), 1, TimeBase.ARRIVAL, ClosedLoop.NONE);
        ConfigDiff d = ConfigDiff.between(with(VDNS, VFW), with(VFW, vlb));
        assertThat(d.added()).containsExactly(vlb);
        assertThat(d.removed()).containsExactly("Heartbeat_vDNS");
        assertThat(d.changed()).isEmpty();
    }

    @Test
    void changedIntervalCountTimeBaseOrClosedLoopIsAChange() {
        Monitor interval = new Monitor("Heartbeat_vFW", Duration.ofSeconds(10), 2, TimeBase.EVENT, ClosedLoop.NONE);
        Monitor count = new Monitor("Heartbeat_vFW", Duration.ofSeconds(30), 5, TimeBase.EVENT, ClosedLoop.NONE);
        Monitor timeBase = new Monitor("Heartbeat_vFW", Duration.ofSeconds(30), 2, TimeBase.ARRIVAL, ClosedLoop.NONE);
        Monitor loop = new Monitor("Heartbeat_vFW", Duration.ofSeconds(30), 2, TimeBase.EVENT,
                new ClosedLoop("CL", null, null, null, TargetType.VM, null, null));
        for (Monitor m : List.of(interval, count, timeBase, loop)) {
            ConfigDiff d = ConfigDiff.between(with(VDNS, VFW), with(VDNS, m));
            assertThat(d.changed()).as(m.toString()).containsExactly(m);
            assertThat(d.added()).isEmpty();
            assertThat(d.removed()).isEmpty();
        }
    }

    @Test
    void sectionsReadOnlyAtStartupAreNamed() {
        VigilConfig before = with(VDNS);
        VigilConfig after = before.withHttp(before.http().withPort(9999));
        assertThat(ConfigDiff.between(before, after).restartNeeded()).containsExactly("http");
    }

    @Test
    void onapConfigAgainstItsOwnReloadIsEmpty() throws Exception {
        VigilConfig a = ConfigLoader.load(ProjectFiles.example("onap-config.json"));
        VigilConfig b = ConfigLoader.load(ProjectFiles.example("onap-config.json"));
        ConfigDiff d = ConfigDiff.between(a, b);
        assertThat(d.monitorsUnchanged()).isTrue();
        assertThat(d.restartNeeded()).isEmpty();
    }

    @Test
    void startupOnlyKeysThatChangeAreListedAsRestartNeeded() throws Exception {
        VigilConfig before = ConfigLoader.parse("""
                detection: {grace: 30s, checkpointInterval: 1s}
                config: {remote: {url: "http://cbs:10000/c", pollInterval: 5m}}
                """, "before.yaml");
        VigilConfig after = ConfigLoader.parse("""
                detection: {grace: 2m, checkpointInterval: 5s}
                ingest: {kafka: {bootstrapServers: "127.0.0.1:9092", topics: [heartbeats], groupId: vigil}}
                config: {remote: {url: "http://cbs:10000/c", pollInterval: 1m}}
                """, "after.yaml");
        assertThat(ConfigDiff.between(before, after).restartNeeded()).containsExactly(
                "detection.grace", "detection.checkpointInterval", "ingest.kafka", "config.remote.pollInterval");
        assertThat(ConfigDiff.between(after, after).restartNeeded()).isEmpty();
    }
}
