package io.vigil.collect.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.collect.datasource.Entity;
import io.vigil.collect.datasource.EntityType;
import io.vigil.collect.rpc.RpcResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTableTest {
    private static Entity svc(String name, String state, String code, long t) {
        return new Entity(EntityType.SERVICES, name, "10.0.0.1", state, "mariadb", "master", code, t, "ds", null);
    }

    private static RpcResult all(long t, Entity... es) {
        return new RpcResult("c", RpcResult.GET_ALL, t, List.of("ds"), List.of(es), Map.of());
    }

    private static RpcResult changes(long t, Entity... es) {
        return new RpcResult("c", RpcResult.GET_CHANGES, t, List.of("ds"), List.of(es), Map.of());
    }

    @Test
    void firstAnswerIsTheBaselineAndYieldsNoChange() {
        StatusTable t = new StatusTable();
        assertThat(t.apply(all(1, svc("a", "running", "000000", 1)))).isEmpty();
        assertThat(t.apply(all(2, svc("a", "running", "000000", 2)))).as("no change, no event").isEmpty();
    }

    @Test
    void flappingEntityIsReportedAsItFlapsInOrder() {
        StatusTable t = new StatusTable();
        t.apply(all(1, svc("a", "running", "000000", 1)));
        List<StatusChange> c1 = t.apply(changes(2, svc("a", "connection refused", "100001", 2)));
        List<StatusChange> c2 = t.apply(changes(3, svc("a", "running", "000000", 3)));
        List<StatusChange> c3 = t.apply(changes(4, svc("a", "connection refused", "100001", 4)));
        assertThat(List.of(c1, c2, c3)).allSatisfy(c -> assertThat(c).hasSize(1));
        assertThat(c1.getFirst().toJson().path("previous_state").asText()).isEqualTo("running");
        assertThat(c1.getFirst().toJson().path("state").asText()).isEqualTo("connection refused");
        assertThat(c1.getFirst().toJson().path("previous_code").asText()).isEqualTo("000000");
        assertThat(c1.getFirst().toJson().path("code").asText()).isEqualTo("100001");
        assertThat(c2.getFirst().state()).isEqualTo("running");
        assertThat(c3.getFirst().state()).isEqualTo("connection refused");
    }

    @Test
    void bulkAnswerCollectedBeforeALiveChangeDoesNotUndoIt() {
        StatusTable t = new StatusTable();
        t.apply(all(1, svc("a", "running", "000000", 1)));
        t.apply(changes(5, svc("a", "connection refused", "100001", 5)));
        assertThat(t.apply(all(4, svc("a", "running", "000000", 4)))).isEmpty();
        assertThat(t.entities().getFirst().state()).isEqualTo("connection refused");
    }

    @Test
    void entityMissingFromACompleteGetAllIsDeletedAndANewOneIsAdded() {
        StatusTable t = new StatusTable();
        t.apply(all(1, svc("a", "running", "000000", 1)));
        List<StatusChange> c = t.apply(all(2, svc("b", "running", "000000", 2)));
        assertThat(c).extracting(x -> x.name() + ":" + x.state()).containsExactly("b:running", "a:deleted");
        assertThat(c.getFirst().previous()).isNull();
    }
}
