package dev.basalt.benchmarks.stores;

import java.util.List;

/**
 * The stores of the peer benchmarks by their JMH {@code store} parameter value. The names are
 * fixed: the report tool and {@code docs/benchmarks.md} key their tables on them. Stateless.
 */
public final class Stores {
    public static final String BASALT = "basalt";
    public static final String CHM = "chm";
    public static final String SKIPLIST = "skiplist";
    public static final String CHRONICLE_MAP = "chronicle-map";
    public static final String ROCKSDB = "rocksdb";
    public static final String LMDB = "lmdb";
    public static final String MAPDB = "mapdb";
    public static final String XODUS = "xodus";
    /**
     * Basalt with background compaction off: not one of {@link #NAMES} (the JMH suites do not run
     * it); {@code SustainedOverwrite} runs it to set the cost of compaction apart.
     */
    public static final String BASALT_NO_COMPACTION = "basalt-no-compaction";
    /**
     * Basalt loading in {@code WriteBatch}es of {@value BasaltStore#LOAD_BATCH_ENTRIES} (as
     * RocksDB's adapter loads), otherwise {@link #BASALT}: not one of {@link #NAMES}; for the bulk
     * load figures of {@code OpenAndMemoryBenchmark.memoryAfterLoad}.
     */
    public static final String BASALT_BATCHED_LOAD = "basalt-batch";
    /**
     * Basalt loading every key with {@link BasaltStore#LOAD_METADATA} as its metadata, otherwise
     * {@link #BASALT}: not one of {@link #NAMES} (no peer has metadata); for the list page of
     * {@code PeerListBenchmark} when every listed key carries some.
     */
    public static final String BASALT_WITH_METADATA = "basalt-metadata";
    /**
     * Basalt with {@code BasaltOptions.withMappedAppends(true)}, otherwise {@link #BASALT}: not one
     * of {@link #NAMES}. The same as {@link #BASALT} since mapped appends became the default
     * (2026-12-04); kept so that the earlier commands give comparable figures.
     */
    public static final String BASALT_MAPPED = "basalt-mapped";
    /**
     * Basalt with {@code BasaltOptions.withMappedAppends(false)}, otherwise {@link #BASALT}: every
     * record written by a system call, as before mapped appends; not one of {@link #NAMES}.
     */
    public static final String BASALT_SYSCALL = "basalt-syscall";

    /** Every store, Basalt first, then the in-memory ceilings, then the persistent peers. */
    public static final List<String> NAMES =
            List.of(BASALT, CHM, SKIPLIST, CHRONICLE_MAP, ROCKSDB, LMDB, MAPDB, XODUS);

    /** The stores that keep keys in order and so can list a prefix page. */
    public static final List<String> ORDERED = List.of(BASALT, SKIPLIST, ROCKSDB, LMDB, MAPDB, XODUS);

    /** The stores whose data outlives the process. */
    public static final List<String> PERSISTENT = List.of(BASALT, CHRONICLE_MAP, ROCKSDB, LMDB, MAPDB, XODUS);

    private Stores() {
    }

    /** A new, unopened adapter for {@code name}. */
    public static KvStore create(String name) {
        switch (name) {
            case BASALT:
                return new BasaltStore();
            case BASALT_NO_COMPACTION:
                return new BasaltStore(false, false);
            case BASALT_BATCHED_LOAD:
                return new BasaltStore(true, true);
            case BASALT_WITH_METADATA:
                return new BasaltStore(true, false, true);
            case BASALT_MAPPED:
                return new BasaltStore(true, false, false, BasaltStore.Appends.MAPPED);
            case BASALT_SYSCALL:
                return new BasaltStore(true, false, false, BasaltStore.Appends.SYSCALL);
            case CHM:
                return new HashMapStore();
            case SKIPLIST:
                return new SkipListStore();
            case CHRONICLE_MAP:
                return new ChronicleMapStore();
            case ROCKSDB:
                return new RocksDbStore();
            case LMDB:
                return new LmdbStore();
            case MAPDB:
                return new MapDbStore();
            case XODUS:
                return new XodusStore();
            default:
                throw new IllegalArgumentException("store is '" + name + "'; the stores are " + NAMES);
        }
    }
}
