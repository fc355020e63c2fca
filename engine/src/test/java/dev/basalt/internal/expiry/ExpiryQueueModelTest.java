package dev.basalt.internal.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * {@link ExpiryQueue} against a {@link PriorityQueue} of records: random chains of adds (few
 * distinct seconds, so ties are common, and few locations, so ties on the location too),
 * polls at random nows with random batch sizes, removeIf with random predicates, and clears.
 * Chunks of four entries make the queue grow and shrink across chunk boundaries all the time.
 */
class ExpiryQueueModelTest {
    private static final int TINY_CHUNK_SHIFT = 2;

    /** One entry, ordered as the queue orders them. */
    record Entry(long expirationEpochSeconds, int namespaceId, long keyHash, long location) {
        static final Comparator<Entry> HEAP_ORDER = Comparator.comparingLong(Entry::expirationEpochSeconds)
            .thenComparingLong(Entry::location)
            .thenComparingInt(Entry::namespaceId)
            .thenComparingLong(Entry::keyHash);
    }

    @Property(tries = 200)
    void behavesLikeAPriorityQueue(@ForAll("chains") ActionChain<Model> chain) {
        final Model finalState = chain.withInvariant("agrees with the model", Model::checkAgreement).run();
        finalState.close();
    }

    @Provide
    Arbitrary<ActionChain<Model>> chains() {
        return ActionChain.startWith(Model::new)
            .withAction(20, action(entries().map(e -> Transformer.mutate("add " + e, m -> m.add(e)))))
            .withAction(5, action(Combinators.combine(Arbitraries.longs().between(-1, 60),
                    Arbitraries.integers().between(0, 12))
                .as((now, max) -> Transformer.mutate("pollDue now=" + now + " max=" + max, m -> m.pollDue(now, max)))))
            .withAction(2, action(Combinators.combine(Arbitraries.integers().between(1, 4),
                    Arbitraries.integers().between(0, 3))
                .as((modulus, remainder) -> Transformer.mutate("removeIf keyHash % " + modulus + " == " + remainder,
                    m -> m.removeIf(modulus, remainder)))))
            .withAction(1, action(Arbitraries.just(Transformer.mutate("clear", Model::clear))))
            .withMaxTransformations(400);
    }

    private static Arbitrary<Entry> entries() {
        return Combinators.combine(
                Arbitraries.longs().between(0, 50),
                Arbitraries.integers().between(0, 2),
                Arbitraries.longs().between(-3, 3),
                Arbitraries.longs().between(0, 20))
            .as(Entry::new);
    }

    private static Action.Independent<Model> action(Arbitrary<Transformer<Model>> transformers) {
        return () -> transformers;
    }

    /** The queue under test and its model. */
    static final class Model {
        private final ExpiryQueue queue = new ExpiryQueue(TINY_CHUNK_SHIFT);
        private final PriorityQueue<Entry> model = new PriorityQueue<>(Entry.HEAP_ORDER);

        void add(Entry e) {
            queue.add(e.expirationEpochSeconds(), e.namespaceId(), e.keyHash(), e.location());
            model.add(e);
        }

        void pollDue(long nowEpochSeconds, int maxEntries) {
            final List<Entry> expected = new ArrayList<>();
            while (expected.size() < maxEntries && !model.isEmpty()
                && model.peek().expirationEpochSeconds() <= nowEpochSeconds) {
                expected.add(model.poll());
            }
            final List<Entry> actual = new ArrayList<>();
            final int count = queue.pollDue(nowEpochSeconds, maxEntries, (e, ns, h, l) -> actual.add(new Entry(e, ns, h, l)));
            assertThat(actual).containsExactlyElementsOf(expected);
            assertThat(count).isEqualTo(expected.size());
        }

        void removeIf(int modulus, int remainder) {
            final int before = model.size();
            model.removeIf(e -> Math.floorMod(e.keyHash(), modulus) == remainder);
            final long removed = queue.removeIf((e, ns, h, l) -> Math.floorMod(h, modulus) == remainder);
            assertThat(removed).isEqualTo(before - model.size());
        }

        void clear() {
            queue.clear();
            model.clear();
        }

        void checkAgreement() {
            assertThat(queue.size()).isEqualTo(model.size());
            assertThat(queue.peekExpiration()).isEqualTo(
                model.isEmpty() ? ExpiryQueue.NEVER_DUE : model.peek().expirationEpochSeconds());
            queue.verifyInvariants();
        }

        void close() {
            queue.close();
        }
    }
}
