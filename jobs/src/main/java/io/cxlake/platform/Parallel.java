package io.cxlake.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Independent work (model fits, entities, tables) submitted from a few driver threads: Spark
 * runs their jobs side by side, which fills the cores that one piece's small jobs, commits and
 * metastore calls leave idle.
 */
public final class Parallel {
  private Parallel() {}

  /**
   * {@code work} applied to every item in up to four threads; results in item order. When some
   * fail, the others still finish (no Spark job is cut off half way), then the first failure
   * is thrown.
   */
  public static <T, R> List<R> map(List<T> items, Function<T, R> work) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4, items.size())));
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> work.apply(item)));
      }
      List<R> out = new ArrayList<>();
      Throwable failure = null;
      for (Future<R> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
        }
      }
      if (failure != null) {
        throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for parallel work", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
