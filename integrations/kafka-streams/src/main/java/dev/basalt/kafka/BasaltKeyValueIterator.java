package dev.basalt.kafka;

import dev.basalt.BinaryNamespace;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * An iterator over a {@link BasaltKeyValueStore}'s entries. It holds no engine resource between
 * calls (the engine copies pages out), so closing it only unregisters it from its store. Once
 * closed, by the caller or by the store's close, every call throws
 * {@link InvalidStateStoreException}. For one thread, like Kafka's own store iterators.
 */
final class BasaltKeyValueIterator implements KeyValueIterator<Bytes, byte[]> {
    private final String storeName;
    private final Iterator<BinaryNamespace.Entry> entries;
    private final Consumer<BasaltKeyValueIterator> onClose;
    private final BooleanSupplier storeOpen;
    private volatile boolean closed;
    private KeyValue<Bytes, byte[]> peeked;

    BasaltKeyValueIterator(String storeName, Iterator<BinaryNamespace.Entry> entries,
            Consumer<BasaltKeyValueIterator> onClose, BooleanSupplier storeOpen) {
        this.storeName = storeName;
        this.entries = entries;
        this.onClose = onClose;
        this.storeOpen = storeOpen;
    }

    @Override
    public boolean hasNext() {
        checkUsable();
        if (peeked != null) {
            return true;
        }
        try {
            if (!entries.hasNext()) {
                return false;
            }
            BinaryNamespace.Entry entry = entries.next();
            peeked = KeyValue.pair(Bytes.wrap(entry.key()), entry.value());
            return true;
        } catch (IllegalStateException e) {
            checkUsable(); // the store closed under this call: say so as Kafka does
            throw e;
        }
    }

    @Override
    public KeyValue<Bytes, byte[]> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more entries in Basalt store " + storeName);
        }
        KeyValue<Bytes, byte[]> next = peeked;
        peeked = null;
        return next;
    }

    @Override
    public Bytes peekNextKey() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more entries in Basalt store " + storeName);
        }
        return peeked.key;
    }

    @Override
    public void close() {
        closed = true;
        onClose.accept(this);
    }

    /** The store closed: later calls fail. */
    void invalidate() {
        closed = true;
    }

    private void checkUsable() {
        if (closed) {
            throw new InvalidStateStoreException("an iterator of Basalt store " + storeName + " was used after close");
        }
        if (!storeOpen.getAsBoolean()) {
            throw new InvalidStateStoreException("Basalt store " + storeName + " is closed");
        }
    }
}
