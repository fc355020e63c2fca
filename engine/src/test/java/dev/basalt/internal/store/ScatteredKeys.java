package dev.basalt.internal.store;

import dev.basalt.Basalt;
import dev.basalt.BasaltInternals;
import dev.basalt.KeyInfo;
import dev.basalt.KvNamespace;
import dev.basalt.ListOptions;
import dev.basalt.WriteBatch;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Keys put out of key order, so that a listing's nodes lie scattered in memory: the relayout tests' load. */
final class ScatteredKeys {
    private ScatteredKeys() {
    }

    /**
     * Puts {@code prefix} followed by 0..count-1 (six digits) in a scrambled order, in batches of
     * 1,000, and adds each key to {@code model}. A list after each batch lists its keys at once:
     * left to the background thread, new keys are listed in key order in larger batches
     * ({@link OwedNewKeys}), and would not lie as scattered.
     */
    static void put(KvNamespace ns, Set<String> model, String prefix, int count) {
        for (int start = 0; start < count; start += 1_000) {
            WriteBatch batch = WriteBatch.create();
            for (int i = start; i < Math.min(count, start + 1_000); i++) {
                String key = prefix + String.format("%06d", (i * 7919L) % count); // 7919 is prime: a permutation
                batch.put(key, "v");
                model.add(key);
            }
            ns.write(batch);
            ns.list(ListOptions.all().withLimit(1));
        }
    }

    /**
     * Puts {@code count} scattered keys under {@code "k/"} into {@code ns}, a namespace of
     * {@code db}, and lays the listings out at once; returns the store, whose background thread
     * then has no relayout due.
     */
    static Store putAndLayOut(Basalt db, KvNamespace ns, Set<String> model, int count) {
        put(ns, model, "k/", count);
        Store store = BasaltInternals.store(db);
        store.relayoutListingsNow();
        return store;
    }

    /** Every key of {@code ns}, in order. */
    static List<String> listed(KvNamespace ns) {
        return ns.listAll(ListOptions.all()).map(KeyInfo::name).collect(Collectors.toList());
    }
}
