package io.vigil.peer.protocol;

import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventName;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.PeerError;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerListener;
import io.vigil.peer.Timing;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One multicast member as a pure state machine: membership of the group and this member's leadership.
 *
 * <table>
 * <caption>Multicast transitions (per other member)</caption>
 * <tr><th>what happens</th><th>events</th></tr>
 * <tr><td>a member is heard for the first time, or again after it timed out</td><td>connected</td></tr>
 * <tr><td>a heartbeat of a live member arrives</td><td>heartbeat (with the leadership it claims)</td></tr>
 * <tr><td>a live member is silent for interval + timeout</td><td>timeout, disconnected</td></tr>
 * <tr><td>{@link #stop}</td><td>disconnected, timeout for each live member</td></tr>
 * <tr><td>this member's own leadership changes</td><td>leadership (about itself)</td></tr>
 * </table>
 * The election rule is {@link LeaderElection}. A suspended member leaves the group and gives up leadership at once;
 * on resume it rejoins and listens for interval + timeout before it may lead again. A member that finds it was frozen
 * for longer than interval + timeout (SIGSTOP, a long GC pause) treats the freeze the same way.
 *
 * <p>Losing the group (the join failed at start or on resume, or sending failed: the interface went down): with
 * {@code reconnectAttempts} N &gt; 0 the member steps down, stops sending and retries the join at T + k &times;
 * reconnectSleep (k = 1 &hellip; N, T the failure); a join that succeeds emits {@code reconnect} (about itself) and the
 * member carries on, listening interval + timeout before it may lead again. When the N-th retry fails too it emits
 * {@code disconnected}, {@code timeout} for each live member, then {@code disconnected} about itself, reports
 * {@link ErrorKind#INTERFACE_FAILED} and {@link #ended() ends}. With N = 0 a failed join is only reported.
 *
 * <p>Replays: a frame whose sequence number is not above the last one from that sender and nonce is dropped; with a
 * shared secret, a frame whose {@code ts} is further than interval + timeout from this member's clock is dropped too,
 * so recorded frames cannot be replayed later.
 *
 * <p>Not thread-safe: the caller serialises all calls.
 */
public final class MulticastProtocol {

    /** The socket edge the protocol drives. */
    public interface Io {
        void send(Frame frame);

        /** Joins the group; reports the outcome with {@link #joined} or {@link #joinFailed}, now or later. */
        void join();

        void leave();
    }

    private enum MemberState { LIVE, GONE }

    private static final class Member {
        final String id;
        MemberState state = MemberState.LIVE;
        String nonce;
        long lastSeq = -1;
        long lastHeard;
        String host;
        int port;
        LeadershipStatus claim;

        Member(String id) {
            this.id = id;
        }
    }

    private final String selfId;
    private final String selfNonce;
    private final Timing timing;
    private final int quorum;
    private final boolean checkFreshness;
    private final PeerListener out;
    private final Io io;
    private final String selfHost;
    private final int selfPort;
    private final Map<String, Member> members = new HashMap<>();
    private final Map<String, Boolean> duplicateNoncesReported = new HashMap<>();
    private LeadershipStatus status = LeadershipStatus.NON_LEADER;
    private long joinedAt;
    private long seq;
    private long nextSendAt;
    private long lastTick;
    private long suspendedAt = -1;
    private boolean stopped;
    private boolean rejoining;
    private boolean joinPending;
    private int attemptsLeft;
    private long nextAttemptAt;
    private boolean ended;

    /**
     * @param checkFreshness drop frames whose timestamp is more than interval + timeout away from this member's clock
     *                       (on when frames are authenticated; needs clocks that agree within that bound)
     */
    public MulticastProtocol(String selfId, String selfNonce, String selfHost, int selfPort, Timing timing, int quorum,
                             boolean checkFreshness, PeerListener out, Io io) {
        this.selfId = selfId;
        this.selfNonce = selfNonce;
        this.selfHost = selfHost;
        this.selfPort = selfPort;
        this.timing = timing;
        this.quorum = quorum;
        this.checkFreshness = checkFreshness;
        this.out = out;
        this.io = io;
    }

    public LeadershipStatus status() {
        return status;
    }

    /** Starts after the edge has joined the group: sends the first heartbeat at once and opens the listening window. */
    public void start(long now) {
        joinedAt = now;
        lastTick = now;
        nextSendAt = now;
        tick(now);
    }

    /**
     * Starts although the edge could not join the group (only with reconnectAttempts &gt; 0): the first retry comes
     * reconnectSleep later.
     */
    public void startUnjoined(long now, String reason) {
        joinedAt = now;
        lastTick = now;
        nextSendAt = now;
        joinFailed(now, reason);
    }

    /** The group was joined (the outcome of {@link Io#join}); after a lost group this emits {@code reconnect}. */
    public void joined(long now) {
        joinPending = false;
        if (stopped || ended || !rejoining) {
            return;
        }
        rejoining = false;
        joinedAt = now;
        nextSendAt = now;
        out.onEvent(new PeerEvent(EventName.RECONNECT, selfHost, selfPort, now, seq, selfId, status));
    }

    /** Joining the group failed (the outcome of {@link Io#join}): reported, then retried or given up on. */
    public void joinFailed(long now, String reason) {
        joinPending = false;
        if (stopped || ended || suspendedAt >= 0) {
            return;
        }
        out.onError(new PeerError(ErrorKind.INTERFACE_FAILED, reason, now));
        if (!rejoining) {
            groupLost(now);
        } else if (attemptsLeft == 0) {
            giveUp(now);
        }
    }

    /**
     * The edge lost the group (sending failed; the cause was already reported): with reconnectAttempts &gt; 0 the
     * member steps down and retries the join; with 0 nothing changes.
     */
    public void groupLost(long now) {
        if (stopped || ended || rejoining || suspendedAt >= 0 || timing.reconnectAttempts() == 0) {
            return;
        }
        rejoining = true;
        joinPending = false;
        attemptsLeft = timing.reconnectAttempts();
        nextAttemptAt = now + timing.reconnectSleepMillis();
        setStatus(LeadershipStatus.NON_LEADER, now);
    }

    /** True once the member gave up rejoining the group; only stop is left. */
    public boolean ended() {
        return ended;
    }

    /** True while the member has lost the group and retries joining it. */
    public boolean rejoining() {
        return rejoining;
    }

    private void giveUp(long now) {
        ended = true;
        rejoining = false;
        for (Member m : sortedMembers()) {
            if (m.state == MemberState.LIVE) {
                m.state = MemberState.GONE;
                emit(EventName.DISCONNECTED, m, now);
                emit(EventName.TIMEOUT, m, now);
            }
        }
        setStatus(LeadershipStatus.NON_LEADER, now);
        out.onEvent(new PeerEvent(EventName.DISCONNECTED, selfHost, selfPort, now, seq, selfId, status));
        out.onError(new PeerError(ErrorKind.INTERFACE_FAILED, "gave up joining the multicast group after "
                + timing.reconnectAttempts() + " reconnection attempts; check that the interface is up, then start "
                + "the member again", now));
    }

    /** A decoded, authenticated datagram arrived from {@code host:port}. */
    public void received(Frame frame, String host, int port, long now) {
        if (stopped || ended || suspendedAt >= 0 || frame.type() != FrameType.HEARTBEAT || frame.endpointId() == null) {
            return;
        }
        if (selfId.equals(frame.endpointId())) {
            if (!selfNonce.equals(frame.nonce()) && duplicateNoncesReported.put(frame.nonce(), Boolean.TRUE) == null) {
                out.onError(new PeerError(ErrorKind.DUPLICATE_ENDPOINT, "another member (" + host + ":" + port
                        + ") uses this member's endpoint id '" + selfId + "': give every member its own id", now));
            }
            return; // our own datagram, looped back
        }
        if (checkFreshness && Math.abs(now - frame.sentAt()) > timing.silenceLimitMillis()) {
            out.onError(new PeerError(ErrorKind.AUTH_FAILED, "member " + frame.endpointId() + " sent a frame stamped "
                    + (now - frame.sentAt()) + " ms away from this clock: replayed, or clocks disagree", now));
            return;
        }
        Member m = members.computeIfAbsent(frame.endpointId(), Member::new);
        boolean newIncarnation = !frame.nonce().equals(m.nonce);
        if (!newIncarnation && frame.seq() <= m.lastSeq) {
            return; // duplicate or replayed datagram
        }
        boolean wasLive = m.state == MemberState.LIVE && m.nonce != null;
        m.nonce = frame.nonce();
        m.lastSeq = frame.seq();
        m.lastHeard = now;
        m.host = host;
        m.port = port;
        m.claim = frame.leadership();
        m.state = MemberState.LIVE;
        emit(wasLive ? EventName.HEARTBEAT : EventName.CONNECTED, m, now);
        elect(now);
    }

    /** Advances time: sends a due heartbeat, times out silent members, re-elects. Call every {@link Timing#tickMillis()}. */
    public void tick(long now) {
        if (stopped || ended || suspendedAt >= 0) {
            return;
        }
        long gap = now - lastTick;
        lastTick = now;
        if (rejoining && !joinPending && now >= nextAttemptAt) {
            attemptsLeft--;
            nextAttemptAt += timing.reconnectSleepMillis();
            joinPending = true;
            io.join(); // may call joined/joinFailed at once
            if (stopped || ended || suspendedAt >= 0) {
                return;
            }
        }
        if (gap > timing.silenceLimitMillis()) {
            // Frozen: others may have elected someone else meanwhile. Step down and listen again before leading.
            shiftMembers(gap);
            nextSendAt = now;
            joinedAt = now;
            setStatus(LeadershipStatus.NON_LEADER, now);
        }
        List<Member> expired = null;
        for (Member m : members.values()) {
            if (m.state == MemberState.LIVE && now - m.lastHeard >= timing.silenceLimitMillis()) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(m);
            }
        }
        if (expired != null) {
            expired.sort((a, b) -> a.id.compareTo(b.id));
            for (Member m : expired) {
                m.state = MemberState.GONE;
                emit(EventName.TIMEOUT, m, now);
                emit(EventName.DISCONNECTED, m, now);
            }
        }
        elect(now);
        if (!rejoining && now >= nextSendAt) {
            io.send(new Frame(FrameType.HEARTBEAT, selfId, ++seq, now, selfNonce, null, status));
            nextSendAt = Math.max(nextSendAt + timing.intervalMillis(), now + 1);
        }
    }

    /** Leaves the group and gives up leadership; nothing is sent or timed out until {@link #resume}. */
    public void suspend(long now) {
        if (suspendedAt >= 0 || stopped || ended) {
            return;
        }
        suspendedAt = now;
        io.leave();
        setStatus(LeadershipStatus.NON_LEADER, now);
    }

    /** Rejoins the group; members keep their state, deadlines move by the time spent suspended. */
    public void resume(long now) {
        if (suspendedAt < 0 || stopped || ended) {
            return;
        }
        shiftMembers(now - suspendedAt);
        suspendedAt = -1;
        rejoining = false; // a fresh join; if it fails, the retries start again from now
        joinedAt = now;
        lastTick = now;
        nextSendAt = now;
        joinPending = true;
        io.join();
        tick(now);
    }

    /** Emits disconnected, timeout for each live member, gives up leadership, and leaves the group. */
    public void stop(long now) {
        if (stopped) {
            return;
        }
        if (ended) {
            stopped = true; // giving up already reported every member
            return;
        }
        for (Member m : sortedMembers()) {
            if (m.state == MemberState.LIVE) {
                emit(EventName.DISCONNECTED, m, now);
                emit(EventName.TIMEOUT, m, now);
            }
        }
        setStatus(LeadershipStatus.NON_LEADER, now);
        stopped = true; // the edge closes its socket, which leaves the group
    }

    /** Ids of the members currently live, this one excluded. */
    public List<String> liveMembers() {
        List<String> ids = new ArrayList<>();
        for (Member m : sortedMembers()) {
            if (m.state == MemberState.LIVE) {
                ids.add(m.id);
            }
        }
        return ids;
    }

    private void elect(long now) {
        List<LeaderElection.Candidate> live = new ArrayList<>(members.size() + 1);
        boolean eligible = !rejoining && now - joinedAt >= timing.silenceLimitMillis();
        live.add(new LeaderElection.Candidate(selfId, status == LeadershipStatus.LEADER, eligible));
        for (Member m : members.values()) {
            if (m.state == MemberState.LIVE) {
                // A peer's eligibility is unknown here; it is eligible if it says it leads, or has been heard a while.
                live.add(new LeaderElection.Candidate(m.id, m.claim == LeadershipStatus.LEADER, true));
            }
        }
        String leader = LeaderElection.leader(live, quorum);
        setStatus(selfId.equals(leader) && eligible ? LeadershipStatus.LEADER : LeadershipStatus.NON_LEADER, now);
    }

    private void setStatus(LeadershipStatus next, long now) {
        if (next != status) {
            status = next;
            out.onEvent(new PeerEvent(EventName.LEADERSHIP, selfHost, selfPort, now, seq, selfId, status));
        }
    }

    private void shiftMembers(long by) {
        for (Member m : members.values()) {
            m.lastHeard += by;
        }
    }

    private List<Member> sortedMembers() {
        List<Member> list = new ArrayList<>(members.values());
        list.sort((a, b) -> a.id.compareTo(b.id));
        return list;
    }

    private void emit(EventName name, Member m, long now) {
        out.onEvent(new PeerEvent(name, m.host, m.port, now, m.lastSeq, m.id, m.claim));
    }
}
