package dev.basalt.listing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.KeyInfo;
import dev.basalt.ListOptions;
import dev.basalt.ListResult;
import dev.basalt.PutOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * A jqwik stateful test of {@code list}: random chains of puts (with and without TTL or an
 * absolute expiration, with several kinds of metadata), deletes, forward clock moves (whole
 * and fractional seconds), expiry sweeps, compactions, relayouts of the listings in key order and
 * close-and-reopen, in two namespaces; every list
 * action pages through a random prefix with a random limit and compares every page with the
 * {@link ListingModel}: names in unsigned UTF-8 order, expirations, metadata, exactly
 * {@code min(limit, remaining)} keys, {@code listComplete} and the cursor. One action also
 * writes (and may restart the engine) between the first page and the rest, so cursors are
 * checked to continue strictly after their key against a changed key set and a rebuilt
 * listing.
 *
 * <p>Keys and prefixes are drawn from one small alphabet, so prefixes match, keys collide, and
 * the alphabet's order differs between UTF-8 and UTF-16 (U+1F600 against U+FFFD) and between
 * unsigned and signed bytes. On failure jqwik prints the seed and the actions; messages name
 * the clock and the last actions.
 */
class ListingModelTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_ACTIONS = 80;
    /** U+0000, ASCII, a two-byte, a three-byte (U+FFFD) and a four-byte character (U+1F600). */
    static final List<String> ALPHABET = List.of("\u0000", "a", "b", "\u00e9", "\ufffd", "\ud83d\ude00");

    @Property(tries = 40)
    void everyPageAgreesWithASortedModel(@ForAll("chains") ActionChain<ListingModel> chain) {
        ListingModel end = chain.run();
        try {
            for (String namespace : ListingModel.NAMESPACES) {
                List<KeyInfo> all = end.expected(namespace, "", null);
                Pages.assertPaging(end.ns(namespace), "", 1000, all, end.context("final listing of " + namespace));
                Pages.assertPaging(end.ns(namespace), "", 3, all, end.context("final listing of " + namespace));
            }
            Statistics.label("reopened").collect(end.reopens() > 0);
            Statistics.label("swept").collect(end.sweeps() > 0);
            Statistics.label("compacted").collect(end.compactionsRun() > 0);
            Statistics.label("relaid out").collect(end.relayouts() > 0);
            Statistics.label("keys in the model").collect(end.modelKeys() < 10 ? "<10" : end.modelKeys() < 30
                    ? "10..29" : ">=30");
            Statistics.label("pages checked").collect(end.pagesChecked() < 20 ? "<20" : ">=20");
            // Checked, not only printed. Observed in 40 chains: reopened 98 %, swept 95 %, compacted
            // 35 %, fewer than 10 keys 0 %, 20 or more pages 80 %; the bounds leave wide margins
            // (compacted in none of 40 chains at 35 % each: odds of 3 in 100 million).
            Statistics.label("reopened").coverage(c -> c.check(true).percentage(p -> p >= 50));
            Statistics.label("swept").coverage(c -> c.check(true).percentage(p -> p >= 50));
            Statistics.label("compacted").coverage(c -> c.check(true).count(n -> n >= 1));
            Statistics.label("relaid out").coverage(c -> c.check(true).percentage(p -> p >= 50));
            Statistics.label("keys in the model").coverage(c -> c.check("<10").percentage(p -> p <= 50));
            Statistics.label("pages checked").coverage(c -> c.check(">=20").percentage(p -> p >= 25));
        } finally {
            end.closeAndDelete();
        }
    }

    @Provide
    Arbitrary<ActionChain<ListingModel>> chains() {
        return ActionChain.startWith(ListingModel::new)
                .withAction(8, new PutAction())
                .withAction(3, new DeleteAction())
                .withAction(2, new MoveClockAction())
                .withAction(1, Action.just("sweep", Transformer.mutate("sweep expired keys", state -> {
                    state.note("sweep");
                    state.sweep();
                })))
                .withAction(2, Action.just("compact", Transformer.mutate("compact", state -> {
                    state.note("compact");
                    state.compact();
                })))
                .withAction(1, Action.just("relayout", Transformer.mutate("lay the listings out in key order", state -> {
                    state.note("relayout");
                    state.relayout();
                })))
                .withAction(1, Action.just("reopen", Transformer.mutate("close and reopen", state -> {
                    state.note("reopen");
                    state.reopen();
                })))
                .withAction(4, new ListAction())
                .withAction(2, new WriteBetweenPagesAction())
                .withMaxTransformations(MAX_ACTIONS);
    }

    @AfterTry
    void closeEngines() {
        ListingModel state;
        while ((state = ListingModel.OPEN.poll()) != null) {
            state.closeAndDelete();
        }
    }

    // ---- generators ---------------------------------------------------------------------------

    static Arbitrary<String> keys() {
        return Arbitraries.of(ALPHABET).list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("", parts));
    }

    static Arbitrary<String> prefixes() {
        return Arbitraries.of(ALPHABET).list().ofMinSize(0).ofMaxSize(2).map(parts -> String.join("", parts));
    }

    /** Mostly small limits, so listings take several pages; sometimes the largest. */
    static Arbitrary<Integer> limits() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(1, 5)),
                Tuple.of(1, Arbitraries.just(1000)));
    }

    /** Mostly small values; some of 100..300 KB, so the log fills segments that compaction rewrites. */
    static Arbitrary<Integer> valueLengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(0, 100)),
                Tuple.of(1, Arbitraries.integers().between(100_000, 300_000)));
    }

    static Arbitrary<String> namespaces() {
        return Arbitraries.of(ListingModel.NAMESPACES);
    }

    enum Expiry { NONE, TTL, ABSOLUTE }

    enum MetadataKind { NONE, OBJECT, STRING, NUMBER, JSON_NULL }

    /** One put or delete, as the write-between-pages action applies them. */
    record Write(String key, boolean delete) {
        @Override
        public String toString() {
            return (delete ? "delete '" : "put '") + Pages.printable(key) + "'";
        }
    }

    // ---- actions ------------------------------------------------------------------------------

    static final class PutAction implements Action.Independent<ListingModel> {
        @Override
        public Arbitrary<Transformer<ListingModel>> transformer() {
            return Combinators.combine(namespaces(), keys(), Arbitraries.of(Expiry.class),
                            Arbitraries.integers().between(1, 4), Arbitraries.of(MetadataKind.class),
                            Arbitraries.integers().between(0, 99), valueLengths())
                    .as((namespace, key, expiry, seconds, metadataKind, n, valueLength) -> {
                        String description = "put " + namespace + "/'" + Pages.printable(key) + "' expiry " + expiry
                                + "(" + seconds + ") metadata " + metadataKind + "(" + n + ") value " + valueLength + " B";
                        return Transformer.mutate(description,
                                state -> put(state, description, namespace, key, expiry, seconds, metadataKind, n,
                                        valueLength));
                    });
        }

        private static void put(ListingModel state, String description, String namespace, String key, Expiry expiry,
                                int seconds, MetadataKind metadataKind, int n, int valueLength) {
            state.note(description);
            long now = state.now();
            PutOptions options;
            Long expiration;
            switch (expiry) {
                case NONE:
                    options = PutOptions.none();
                    expiration = null;
                    break;
                case TTL:
                    options = PutOptions.expirationTtl(seconds);
                    expiration = now + seconds;
                    break;
                case ABSOLUTE:
                    options = PutOptions.expiration(now + seconds);
                    expiration = now + seconds;
                    break;
                default:
                    throw new AssertionError(expiry);
            }
            Object given;
            switch (metadataKind) {
                case NONE:
                    given = null;
                    break;
                case OBJECT:
                    given = Map.of("n", n, "tag", "t\u00e9" + n);
                    break;
                case STRING:
                    given = "s" + n;
                    break;
                case NUMBER:
                    given = n;
                    break;
                case JSON_NULL:
                    given = NullNode.getInstance();
                    break;
                default:
                    throw new AssertionError(metadataKind);
            }
            JsonNode metadata = given == null || given instanceof NullNode ? null : JSON.valueToTree(given);
            state.ns(namespace).put(key, "v".repeat(valueLength), options.withMetadata(given));
            state.recordPut(namespace, key, expiration, metadata);
        }
    }

    static final class DeleteAction implements Action.Independent<ListingModel> {
        @Override
        public Arbitrary<Transformer<ListingModel>> transformer() {
            return Combinators.combine(namespaces(), keys()).as((namespace, key) -> {
                String description = "delete " + namespace + "/'" + Pages.printable(key) + "'";
                return Transformer.mutate(description, state -> {
                    state.note(description);
                    state.ns(namespace).delete(key);
                    state.recordDelete(namespace, key);
                });
            });
        }
    }

    /** Forward only, in milliseconds, so the clock often stands inside a second. */
    static final class MoveClockAction implements Action.Independent<ListingModel> {
        @Override
        public Arbitrary<Transformer<ListingModel>> transformer() {
            return Arbitraries.integers().between(0, 3000).map(millis -> {
                String description = "clock +" + millis + " ms";
                return Transformer.mutate(description, state -> {
                    state.note(description);
                    state.clock.advance(Duration.ofMillis(millis));
                });
            });
        }
    }

    static final class ListAction implements Action.Independent<ListingModel> {
        @Override
        public Arbitrary<Transformer<ListingModel>> transformer() {
            return Combinators.combine(namespaces(), prefixes(), limits()).as((namespace, prefix, limit) -> {
                String description = "list " + namespace + " prefix '" + Pages.printable(prefix) + "' limit " + limit;
                return Transformer.mutate(description, state -> {
                    state.note(description);
                    int pages = Pages.assertPaging(state.ns(namespace), prefix, limit,
                            state.expected(namespace, prefix, null), state.context(description));
                    state.countPages(pages);
                });
            });
        }
    }

    /**
     * Lists one page, then writes (and maybe restarts the engine), then continues with the
     * cursor: the rest must be exactly the model's keys after the first page's last key.
     */
    static final class WriteBetweenPagesAction implements Action.Independent<ListingModel> {
        @Override
        public Arbitrary<Transformer<ListingModel>> transformer() {
            Arbitrary<List<Write>> writes = Combinators.combine(keys(), Arbitraries.of(true, false)).as(Write::new)
                    .list().ofMaxSize(4);
            return Combinators.combine(namespaces(), prefixes(), Arbitraries.integers().between(1, 4), writes,
                            Arbitraries.of(true, false))
                    .as((namespace, prefix, limit, between, restart) -> {
                        String description = "page " + namespace + " prefix '" + Pages.printable(prefix) + "' limit "
                                + limit + ", then " + between + (restart ? ", reopen" : "") + ", then the rest";
                        return Transformer.mutate(description,
                                state -> run(state, description, namespace, prefix, limit, between, restart));
                    });
        }

        private static void run(ListingModel state, String description, String namespace, String prefix, int limit,
                                List<Write> between, boolean restart) {
            state.note(description);
            List<KeyInfo> before = state.expected(namespace, prefix, null);
            ListOptions options = ListOptions.prefix(prefix).withLimit(limit);
            ListResult first = state.ns(namespace).list(options);
            String where = state.context(description + ": first page");
            assertThat(first.keys()).as(where).containsExactlyElementsOf(before.subList(0, Math.min(limit,
                    before.size())));
            assertThat(first.listComplete()).as(where + ": listComplete").isEqualTo(before.size() <= limit);
            if (first.listComplete()) {
                assertThat(first.cursor()).as(where + ": cursor").isNull();
                return;
            }
            for (Write write : between) {
                if (write.delete()) {
                    state.ns(namespace).delete(write.key());
                    state.recordDelete(namespace, write.key());
                } else {
                    state.ns(namespace).put(write.key(), "between");
                    state.recordPut(namespace, write.key(), null, null);
                }
            }
            if (restart) {
                state.reopen();
            }
            String lastKey = first.keys().get(first.keys().size() - 1).name();
            int pages = Pages.assertPagingFrom(state.ns(namespace), options.withCursor(first.cursor()),
                    state.expected(namespace, prefix, lastKey), state.context(description + ": the rest"));
            state.countPages(pages + 1);
        }
    }
}
