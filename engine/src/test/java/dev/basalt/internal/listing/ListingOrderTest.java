package dev.basalt.internal.listing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** {@link ListingOrder}: the share of a walk's steps that go back in memory. */
class ListingOrderTest {
    private static final int KEYS = 20_000;

    @Test
    void keysInsertedInOrderLieInOrder() {
        try (KeyListing listing = listingOf(keys(), new Random(1), false)) {
            assertThat(ListingOrder.backwardShare(listing, ListingOrder.SAMPLE_HOPS)).isZero();
        }
    }

    @Test
    void keysInsertedInRandomOrderGoBackAboutHalfTheTime() {
        try (KeyListing listing = listingOf(keys(), new Random(2), true)) {
            assertThat(ListingOrder.backwardShare(listing, ListingOrder.SAMPLE_HOPS)).isBetween(0.4, 0.6);
        }
    }

    @Test
    void anEmptyOrOneKeyListingHasNoStepToJudge() {
        try (KeyListing listing = new KeyListing()) {
            assertThat(ListingOrder.backwardShare(listing, 10)).isZero();
            insert(listing, "only");
            assertThat(ListingOrder.backwardShare(listing, 10)).isZero();
        }
    }

    @Test
    void theSampleStopsAfterMaxHops() {
        List<String> keys = keys();
        try (KeyListing listing = new KeyListing()) {
            // The first 100 keys in order, the rest in reverse: the walk's first 100 steps go forward
            // (the 100th onto the reversed part's last insert), every later one back.
            for (int i = 0; i < 100; i++) {
                insert(listing, keys.get(i));
            }
            for (int i = keys.size() - 1; i >= 100; i--) {
                insert(listing, keys.get(i));
            }
            assertThat(ListingOrder.backwardShare(listing, 100)).isZero();
            assertThat(ListingOrder.backwardShare(listing, 200)).isEqualTo(0.5);
        }
    }

    private static List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(String.format("key-%06d", i));
        }
        return keys;
    }

    private static KeyListing listingOf(List<String> keys, Random random, boolean shuffled) {
        List<String> order = new ArrayList<>(keys);
        if (shuffled) {
            Collections.shuffle(order, random);
        }
        KeyListing listing = new KeyListing();
        order.forEach(key -> insert(listing, key));
        return listing;
    }

    private static void insert(KeyListing listing, String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        listing.insert(new UnsafeBuffer(bytes), 0, bytes.length, true);
    }
}
