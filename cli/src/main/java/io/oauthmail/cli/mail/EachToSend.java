package io.oauthmail.cli.mail;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.error.MailFailure;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.Sender;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code send --each-to LIST}: one message per address, streamed. The main thread reads the list and composes
 * one message at a time while up to N workers send (N = {@code --connections}, each worker one connection of
 * a thread-safe sender); at most 2N composed messages wait, so a list of any length takes the same memory and
 * the first message leaves as soon as the connection is up. A refusal of one recipient is reported and the
 * send goes on; a failure that every next message would meet too (the server unreachable, the login refused,
 * the token lost) stops it, and the addresses not sent are written to {@code LIST.unsent} for a re-run.
 * stdout gets each sent message's id, in list order with one connection, in the order they were sent with more.
 */
final class EachToSend {

    /** How long an interrupt waits for the sends in flight (each bounded by the mail timeout) and LIST.unsent. */
    private static final int INTERRUPT_GRACE_SECONDS = 90;

    private final CliContext context;
    private final Account account;
    private final Sender sender;
    private final int connections;
    private final Function<String, MimeMessage> compose;
    private final Consumer<MimeMessage> checkFirst;

    /**
     * @param sender     safe to call from {@code connections} threads at once
     * @param compose    the message to one address (an {@link OAuthMailException} refuses that address only)
     * @param checkFirst checks the first message for what would refuse them all alike (its size); its exception
     *                   stops the send before anything went out
     */
    EachToSend(CliContext context, Account account, Sender sender, int connections, Function<String, MimeMessage> compose,
            Consumer<MimeMessage> checkFirst) {
        this.context = context;
        this.account = account;
        this.sender = sender;
        this.connections = connections;
        this.compose = compose;
        this.checkFirst = checkFirst;
    }

    /**
     * Sends to every address of {@code list}. With {@code ownsProcess} (the command is the whole process), an
     * interrupt (Ctrl-C, SIGTERM) stops it like a failure would: the messages in flight finish, the addresses not
     * sent go to LIST.unsent, and only then does the process end.
     */
    int run(Path list, boolean progressBar, boolean ownsProcess) {
        // The bar needs the total, and only the bar: counting reads the whole list once more before the first send.
        long total = progressBar ? AddressList.count(list) : 0;
        Tally tally = new Tally(new Progress(context.err(), (int) Math.min(Integer.MAX_VALUE, total), progressBar && total > 1));
        AtomicReference<RuntimeException> stop = new AtomicReference<>();
        List<String> unsent = new ArrayList<>();
        Semaphore waiting = new Semaphore(2 * connections);
        ExecutorService workers = Executors.newFixedThreadPool(connections, runnable -> {
            Thread thread = new Thread(runnable, "oauthmail-send");
            thread.setDaemon(true);
            return thread;
        });
        long start = System.nanoTime();
        boolean first = true;
        CountDownLatch finished = new CountDownLatch(1);
        OAuthMailException interrupted = new OAuthMailException("the send was interrupted", null);
        Thread onInterrupt = new Thread(() -> {
            stop.compareAndSet(null, interrupted);
            try {
                finished.await(INTERRUPT_GRACE_SECONDS, TimeUnit.SECONDS); // the sends in flight end, LIST.unsent is written
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "oauthmail-send-interrupted");
        if (ownsProcess) {
            Runtime.getRuntime().addShutdownHook(onInterrupt);
        }
        try (AddressList addresses = AddressList.open(list)) {
            if (!addresses.hasNext()) {
                throw empty(list);
            }
            while (addresses.hasNext() && stop.get() == null) {
                String address = addresses.next();
                MimeMessage message;
                try {
                    message = compose.apply(address);
                } catch (OAuthMailException e) {
                    tally.failed(address, e);
                    continue;
                }
                if (first) {
                    checkFirst.accept(message);
                    first = false;
                }
                waiting.acquireUninterruptibly();
                workers.execute(() -> {
                    try {
                        if (stop.get() != null) {
                            synchronized (unsent) {
                                unsent.add(address);
                            }
                            return;
                        }
                        tally.sent(sender.send(account, message));
                    } catch (MailFailure e) {
                        if (e.beforeSending()) {
                            stopWith(stop, e, unsent, address);
                        } else {
                            tally.failed(address, e);
                        }
                    } catch (RuntimeException e) { // the token lost or unreachable, or an unforeseen bug: stop
                        stopWith(stop, e, unsent, address);
                    } finally {
                        waiting.release();
                    }
                });
            }
            workers.shutdown();
            awaitQuietly(workers);
            if (stop.get() != null) {
                Unsent left = writeUnsent(list, unsent, addresses);
                tally.summary(start, left.count() + " not sent");
                context.err().println(stop.get() == interrupted
                        ? "interrupted; the " + left.count() + " addresses not sent are in " + left.file()
                                + ": send to them with --each-to " + left.file()
                        : "the send stopped; the " + left.count() + " addresses not sent are in " + left.file()
                                + ": once the problem below is fixed, send to them with --each-to " + left.file());
                context.err().flush();
                throw stop.get();
            }
        } finally {
            workers.shutdownNow();
            finished.countDown();
            if (ownsProcess) {
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it waited for the lines above
                }
            }
        }
        tally.summary(start, null);
        return tally.failures() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    static OAuthMailException empty(Path list) {
        return new OAuthMailException(list + " lists no address", "one address per line; lines starting with # are ignored");
    }

    private static void stopWith(AtomicReference<RuntimeException> stop, RuntimeException e, List<String> unsent, String address) {
        stop.compareAndSet(null, e);
        synchronized (unsent) {
            unsent.add(address); // nothing of it went out, or the failure says so: safe to send again
        }
    }

    private static void awaitQuietly(ExecutorService workers) {
        boolean interrupted = false;
        while (true) {
            try {
                if (workers.awaitTermination(1, TimeUnit.DAYS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private record Unsent(Path file, long count) {
    }

    /** The addresses not sent, then the rest of the list, to LIST.unsent (written whole, then moved in place). */
    private static Unsent writeUnsent(Path list, List<String> unsent, AddressList rest) {
        Path file = list.resolveSibling(list.getFileName() + ".unsent");
        Path partial = list.resolveSibling(list.getFileName() + ".unsent.partial");
        long count = 0;
        try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            synchronized (unsent) {
                for (String address : unsent) {
                    out.write(address);
                    out.newLine();
                    count++;
                }
            }
            while (rest.hasNext()) {
                out.write(rest.next());
                out.newLine();
                count++;
            }
        } catch (IOException e) {
            throw unwritable(file, e);
        }
        try {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Unsent(file, count);
        } catch (IOException e) {
            throw unwritable(file, e);
        }
    }

    private static OAuthMailException unwritable(Path file, IOException e) {
        return new OAuthMailException("the send stopped, and the addresses not sent could not be written to " + file
                + ": " + e.getMessage(), "the output has one id per message sent; compare it with the list", e);
    }

    /** Counts, ids on stdout, failures on stderr as they come, and the progress bar; called by every worker. */
    private final class Tally {

        private final Progress progress;
        private int sent;
        private int failed;

        Tally(Progress progress) {
            this.progress = progress;
        }

        synchronized void sent(String id) {
            context.out().println(id);
            context.out().flush();
            sent++;
            progress.step(sent, failed);
        }

        synchronized void failed(String address, OAuthMailException e) {
            failed++;
            progress.clearLine();
            context.err().println("  failed " + address + ": " + e.getMessage());
            progress.step(sent, failed);
        }

        synchronized int failures() {
            return failed;
        }

        synchronized void summary(long startNanos, String stopped) {
            progress.done();
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            context.err().printf(java.util.Locale.ROOT, "sent %d, failed %d%s, %.1f s%n", sent, failed,
                    stopped == null ? "" : ", " + stopped, seconds);
            context.err().flush();
        }
    }
}
