package io.cxlake.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Independent model fits submitted from a few driver threads: Spark runs their jobs side by side,
 * which fills the cores that one fit's small per-iteration jobs leave idle.
 */
public final class Parallel {
  private Parallel() {}

  /** {@code work} applied to every item in up to four threads; results in item order. */
  public static <T, R> List<R> map(List<T> items, Function<T, R> work) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4, items.size())));
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> work.apply(item)));
      }
      List<R> out = new ArrayList<>();
      for (Future<R> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fitting models", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
