package io.vigil.store.lease;

import io.vigil.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Named leases with an epoch (table {@code lease}), the basis of HA fencing.
 *
 * <p>Expiry is decided by the database's clock ({@code CURRENT_TIMESTAMP}), never the caller's, so instances with
 * skewed clocks agree on who holds a lease. Acquisition is one conditional {@code UPDATE}; the database's row lock
 * makes exactly one of any number of concurrent contenders win (on H2 and PostgreSQL alike).
 *
 * <p>Epoch rules: taking a lease that someone else held, that nobody held, or that had expired increments the
 * epoch; re-acquiring or renewing a live lease one already holds keeps it. Writes fenced by
 * {@code StateWriter} compare against the epoch of the lease named {@link #ACTIVE}.
 *
 * <p>A holder must stop acting before {@link Lease#expiresAt()} as seen by the database, with a margin for its own
 * clock and pauses; renewing an expired lease fails even if nobody took it. Thread-safe.
 */
public final class LeaseRepository {
    /** The lease that designates the active instance; its epoch fences outbox writes. */
    public static final String ACTIVE = "active";

    // Portable "now + ttl": H2 and PostgreSQL both accept an integer times a millisecond interval.
    private static final String EXPIRY = "CURRENT_TIMESTAMP + CAST(? AS INTEGER) * INTERVAL '0.001' SECOND";

    private final Database db;

    public LeaseRepository(Database db) {
        this.db = db;
    }

    /**
     * Takes the lease for {@code owner} if it is free, expired, or already {@code owner}'s, extending it by
     * {@code ttl}.
     *
     * @return the lease now held by {@code owner}, or empty if someone else holds a live lease
     */
    public Optional<Lease> tryAcquire(String name, String owner, Duration ttl) {
        int ttlMillis = ttlMillis(ttl);
        return db.inTransaction(c -> {
            ensureRow(c, name);
            int updated;
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE lease SET
                      epoch = CASE WHEN owner = ? AND expires_at >= CURRENT_TIMESTAMP THEN epoch ELSE epoch + 1 END,
                      owner = ?,
                      expires_at = %s
                    WHERE name = ? AND (expires_at < CURRENT_TIMESTAMP OR owner = ?)""".formatted(EXPIRY))) {
                ps.setString(1, owner);
                ps.setString(2, owner);
                ps.setInt(3, ttlMillis);
                ps.setString(4, name);
                ps.setString(5, owner);
                updated = ps.executeUpdate();
            }
            // Read back inside the transaction: we hold the row lock, so this is the row we wrote.
            return updated == 1 ? read(c, name) : Optional.<Lease>empty();
        });
    }

    /**
     * Extends the lease by {@code ttl} if {@code owner} still holds it under {@code epoch} and it has not expired.
     *
     * @return false when the lease was lost (expired, taken over, released): the caller must stop acting as holder
     */
    public boolean renew(String name, String owner, long epoch, Duration ttl) {
        int ttlMillis = ttlMillis(ttl);
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE lease SET expires_at = %s
                    WHERE name = ? AND owner = ? AND epoch = ? AND expires_at >= CURRENT_TIMESTAMP"""
                    .formatted(EXPIRY))) {
                ps.setInt(1, ttlMillis);
                ps.setString(2, name);
                ps.setString(3, owner);
                ps.setLong(4, epoch);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The lease as stored (possibly expired or without owner), or empty if it was never taken. */
    public Optional<Lease> current(String name) {
        return db.withConnection(c -> read(c, name));
    }

    /**
     * Gives the lease up if {@code owner} holds it, so that a standby may take it at once instead of waiting for
     * expiry. The epoch is kept; the next holder increments it.
     *
     * @return true if {@code owner} held it
     */
    public boolean release(String name, String owner) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE lease SET owner = NULL, expires_at = CURRENT_TIMESTAMP - INTERVAL '1' SECOND
                    WHERE name = ? AND owner = ?""")) {
                ps.setString(1, name);
                ps.setString(2, owner);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * The database's current time, the clock that lease expiry follows; compare it with {@link Lease#expiresAt()}
     * to tell whether a lease is live without trusting the local clock.
     */
    public Instant databaseTime() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class).toInstant();
            }
        });
    }

    /**
     * Creates lease row {@code name} (no owner, epoch 0, expired) in the caller's transaction if it does not exist,
     * so that writers that serialize on it always find it.
     */
    public static void ensureRow(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO lease (name, owner, epoch, expires_at)
                VALUES (?, NULL, 0, CURRENT_TIMESTAMP - INTERVAL '1' SECOND)
                ON CONFLICT DO NOTHING""")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }

    /**
     * Locks the {@link #ACTIVE} lease row in the caller's transaction and returns its epoch, or -1 if there is no
     * such row. Holding the lock serializes fenced writers with each other and with takeovers.
     */
    public static long lockActiveEpoch(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM lease WHERE name = ? FOR UPDATE")) {
            ps.setString(1, ACTIVE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static Optional<Lease> read(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT owner, epoch, expires_at FROM lease WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                Instant expires = rs.getObject(3, OffsetDateTime.class).toInstant();
                return Optional.of(new Lease(name, rs.getString(1), rs.getLong(2), expires));
            }
        }
    }

    private static int ttlMillis(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("lease ttl must be positive: " + ttl);
        return Math.toIntExact(ttl.toMillis());
    }
}
