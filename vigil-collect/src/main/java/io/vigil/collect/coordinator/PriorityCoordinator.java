package io.vigil.collect.coordinator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The two-priority queue between collectors and the engine: live changes ({@code get_changes} answers) are always
 * taken before bulk ones ({@code get_all} answers), so that a large get_all never delays a live change that arrived
 * while it waited. FIFO within a priority. Many producers, one consumer. Thread-safe.
 *
 * @param <T> the work item
 */
public final class PriorityCoordinator<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final Deque<T> live = new ArrayDeque<>();
    private final Deque<T> bulk = new ArrayDeque<>();
    private boolean closed;

    public void submitLive(T item) {
        offer(live, item);
    }

    public void submitBulk(T item) {
        offer(bulk, item);
    }

    private void offer(Deque<T> q, T item) {
        lock.lock();
        try {
            if (closed) return;
            q.addLast(item);
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next item, live first; null after {@link #close()} or when {@code timeoutMillis} passes with nothing. */
    public T take(long timeoutMillis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (!closed && live.isEmpty() && bulk.isEmpty()) {
                if (nanos <= 0) return null;
                nanos = ready.awaitNanos(nanos);
            }
            if (closed) return null;
            return !live.isEmpty() ? live.pollFirst() : bulk.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Items waiting, live plus bulk. */
    public int size() {
        lock.lock();
        try {
            return live.size() + bulk.size();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the consumer; further submissions are dropped. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
