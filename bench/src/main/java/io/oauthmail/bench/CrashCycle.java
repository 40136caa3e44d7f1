package io.oauthmail.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one kill of {@link CrashRefreshBench} did: where it landed relative to the token endpoint's answer, whether
 * the grant survived, and the child's own times (answer handed to the store, store returned).
 */
record CrashCycle(Landing landing, boolean lost, long killAfterAnswer, long answerToHand, long answerToJournal,
        long answerToSave, long answerToDurable) {

    /**
     * As the ./oauthmail launcher starts the CLI (C1 only, the serial collector; less its CDS archive, which is
     * built from the CLI jar), with a small heap: a child lives under a second, and two run at once on two cores.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "-Xmx128m");

    enum Landing {
        EXITED_FIRST("child exited before the kill"),
        BEFORE_REQUEST("before the request arrived"),
        IN_FLIGHT("request in flight"),
        JUST_AFTER("0-5 ms after the answer"),
        AFTER("5+ ms after the answer");

        final String label;

        Landing(String label) {
            this.label = label;
        }
    }

    /**
     * @param killedAt  nanoTime of the kill, 0 when the child had already exited
     * @param exchanges what the relay saw during the cycle
     * @param out       the child's stdout: {@code saving NANOS} and {@code durable NANOS} once it saved
     */
    static CrashCycle of(long killedAt, List<TimingRelay.Exchange> exchanges, String out, boolean lost) {
        long inHand = mark(out, "inhand");
        long journaled = mark(out, "journaled");
        long saving = mark(out, "saving");
        long durable = mark(out, "durable");
        TimingRelay.Exchange exchange = exchanges.isEmpty() ? null : exchanges.get(exchanges.size() - 1);
        long answered = exchange == null ? 0 : exchange.answeredNanos();
        Landing landing;
        if (killedAt == 0) {
            landing = Landing.EXITED_FIRST;
        } else if (exchange == null) {
            landing = Landing.BEFORE_REQUEST;
            // a request that reached the relay after the kill was still sent before it: in flight
        } else if (answered == 0 || answered > killedAt) {
            landing = Landing.IN_FLIGHT;
        } else if (killedAt - answered < CrashRefreshBench.AFTER_ANSWER_NANOS) {
            landing = Landing.JUST_AFTER;
        } else {
            landing = Landing.AFTER;
        }
        return new CrashCycle(landing, lost, killedAt > 0 && answered > 0 ? killedAt - answered : -1,
                inHand > 0 && answered > 0 ? inHand - answered : -1,
                journaled > 0 && answered > 0 ? journaled - answered : -1,
                saving > 0 && answered > 0 ? saving - answered : -1,
                durable > 0 && answered > 0 ? durable - answered : -1);
    }

    /** How far a killed child got: the kill's time after the answer and the last mark it printed. */
    private String progress() {
        String reached = answerToDurable >= 0 ? "saved" : answerToJournal >= 0 ? "journaled"
                : answerToHand >= 0 ? "answer in the store" : "no mark";
        return String.format(Locale.ROOT, "%.1f ms (%s)", killAfterAnswer / 1e6, reached);
    }

    private static long mark(String out, String name) {
        for (String line : out.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).strip());
            }
        }
        return 0;
    }

    static void report(List<CrashCycle> cycles) {
        System.out.printf(Locale.ROOT, "%-32s %7s %12s%n", "kill landed", "kills", "grants lost");
        for (Landing landing : Landing.values()) {
            long kills = cycles.stream().filter(c -> c.landing == landing).count();
            long lost = cycles.stream().filter(c -> c.landing == landing && c.lost).count();
            System.out.printf(Locale.ROOT, "%-32s %7d %12d%s%n", landing.label, kills, lost,
                    landing == Landing.AFTER ? "   (target 0)" : "");
        }
        System.out.printf(Locale.ROOT, "lost 5+ ms after the answer (killed that long after it; how far the child got): %s%n",
                cycles.stream().filter(c -> c.landing == Landing.AFTER && c.lost)
                        .sorted(java.util.Comparator.comparingLong(CrashCycle::killAfterAnswer))
                        .map(CrashCycle::progress).toList());
        window("answer -> in the store", cycles.stream().mapToLong(CrashCycle::answerToHand).filter(n -> n >= 0).toArray());
        window("answer -> journaled", cycles.stream().mapToLong(CrashCycle::answerToJournal).filter(n -> n >= 0).toArray());
        window("answer -> save called", cycles.stream().mapToLong(CrashCycle::answerToSave).filter(n -> n >= 0).toArray());
        window("answer -> durable", cycles.stream().mapToLong(CrashCycle::answerToDurable).filter(n -> n >= 0).toArray());
    }

    private static void window(String label, long[] nanos) {
        if (nanos.length == 0) {
            System.out.printf(Locale.ROOT, "%-24s no samples%n", label);
            return;
        }
        Arrays.sort(nanos);
        long over = Arrays.stream(nanos).filter(n -> n >= CrashRefreshBench.AFTER_ANSWER_NANOS).count();
        System.out.printf(Locale.ROOT, "%-24s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   %4.1f%% over 5 ms   (%d saves)%n",
                label, at(nanos, 50) / 1e6, at(nanos, 99) / 1e6, nanos[nanos.length - 1] / 1e6, 100.0 * over / nanos.length,
                nanos.length);
    }

    private static long at(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
