package io.vigil.collect.action;

import io.vigil.collect.CollectJson;
import io.vigil.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Plans in the store ({@code collect_plan}): every transition is saved, so a restart resumes at the current step. */
public final class PlanRepository {
    private static final String COLUMNS = "id, name, spec, status, current_step, step_state, attempts, message, created_at_ms, updated_at_ms";
    private final Database db;

    public PlanRepository(Database db) {
        this.db = db;
    }

    public void insert(Plan p) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO collect_plan (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, p.id());
                ps.setString(2, p.spec().name());
                ps.setString(3, CollectJson.write(p.spec().toJson()));
                ps.setString(4, p.status().name());
                ps.setInt(5, p.currentStep());
                ps.setString(6, p.stepState().name());
                ps.setInt(7, p.attempts());
                ps.setString(8, p.message());
                ps.setLong(9, p.createdAtMillis());
                ps.setLong(10, p.updatedAtMillis());
                return ps.executeUpdate();
            }
        });
    }

    public void update(Plan p) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE collect_plan SET status = ?, current_step = ?, step_state = ?, attempts = ?, message = ?, updated_at_ms = ? WHERE id = ?")) {
                ps.setString(1, p.status().name());
                ps.setInt(2, p.currentStep());
                ps.setString(3, p.stepState().name());
                ps.setInt(4, p.attempts());
                ps.setString(5, p.message());
                ps.setLong(6, p.updatedAtMillis());
                ps.setString(7, p.id());
                return ps.executeUpdate();
            }
        });
    }

    public List<Plan> list() {
        return query("SELECT " + COLUMNS + " FROM collect_plan ORDER BY created_at_ms, id", null);
    }

    public Optional<Plan> find(String id) {
        return query("SELECT " + COLUMNS + " FROM collect_plan WHERE id = ?", id).stream().findFirst();
    }

    private List<Plan> query(String sql, String id) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (id != null) ps.setString(1, id);
                List<Plan> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Plan(rs.getString(1), PlanSpec.fromJson(CollectJson.read(rs.getString(3))),
                                Plan.Status.valueOf(rs.getString(4)), rs.getInt(5), Plan.StepState.valueOf(rs.getString(6)),
                                rs.getInt(7), rs.getString(8), rs.getLong(9), rs.getLong(10)));
                    }
                }
                return out;
            }
        });
    }
}
