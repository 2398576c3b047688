package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The rows of a Cox design held for the Newton–Raphson iterations: per partition one block of
 * arrays, sorted by stratum and time, cached. The risk-set sums at a β are then one pass over
 * the blocks with β in the closure, reduced by (stratum, time): one Spark job of two short
 * stages per iteration, as MLlib's own optimisers do, where a DataFrame aggregation of the
 * ~p² sums would be planned, code-generated and shipped anew at each β (about five times the
 * time at 16 covariates). Only rows per stratum and time reach the driver, never subjects.
 */
public final class CoxSubjects implements AutoCloseable {
  private final JavaRDD<Block> blocks;
  private final int p;

  private CoxSubjects(JavaRDD<Block> blocks, int p) {
    this.blocks = blocks;
    this.p = p;
  }

  /**
   * @param data stratum, time, event, weight, optionally entry, and the covariates (see
   *     {@link CoxData}); an interval (entry, time] enters as its row plus a copy at its entry
   *     with negated weight ({@link CoxData#withExits})
   */
  public static CoxSubjects of(Dataset<Row> data, List<String> covariates) {
    int p = covariates.size();
    List<Column> select = new ArrayList<>(List.of(col("stratum"), col("time"), col("event"), col("weight")));
    covariates.forEach(c -> select.add(col(c).cast("double")));
    JavaRDD<Block> blocks = CoxData.withExits(data).select(select.toArray(Column[]::new)).toJavaRDD()
        .mapPartitions(rows -> List.of(Block.of(rows, p)).iterator())
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new CoxSubjects(blocks, p);
  }

  /** The risk-set sums of every stratum at β (see {@link Cox.StratumSums}), times ascending. */
  public List<Cox.StratumSums> sums(double[] beta) {
    double[] b = beta.clone();
    List<Tuple2<Cell, double[]>> cells = new ArrayList<>(blocks.flatMapToPair(block -> block.sums(b))
        .reduceByKey(CoxSubjects::addInto).collect());
    cells.sort(Comparator.<Tuple2<Cell, double[]>, String>comparing(t -> t._1().stratum())
        .thenComparingDouble(t -> t._1().time()));
    Map<String, List<Tuple2<Cell, double[]>>> byStratum = new LinkedHashMap<>();
    cells.forEach(t -> byStratum.computeIfAbsent(t._1().stratum(), k -> new ArrayList<>()).add(t));
    List<Cox.StratumSums> out = new ArrayList<>();
    for (List<Tuple2<Cell, double[]>> stratum : byStratum.values()) {
      out.add(stratumSums(stratum, p));
    }
    return out;
  }

  @Override
  public void close() {
    blocks.unpersist(false);
  }

  /** One stratum and time: where the sums of its rows are added up. */
  record Cell(String stratum, double time) implements Serializable {}

  /**
   * The layout of a cell's sums: events (count), their weight, their weighted x; then, over
   * everyone and over the events only: Σ w·e^(xβ), its x-weighted sums, and its x·xᵀ-weighted
   * sums (upper triangle, row by row).
   */
  static int width(int p) {
    return 2 + p + 2 * (1 + p + p * (p + 1) / 2);
  }

  private static Cox.StratumSums stratumSums(List<Tuple2<Cell, double[]>> cells, int p) {
    int n = cells.size();
    double[] time = new double[n];
    long[] events = new long[n];
    double[] eventWeight = new double[n];
    double[][] eventX = new double[n][];
    double[][] w = new double[2][n];
    double[][][] wx = new double[2][n][];
    double[][][] wxx = new double[2][n][];
    for (int i = 0; i < n; i++) {
      double[] s = cells.get(i)._2();
      time[i] = cells.get(i)._1().time();
      events[i] = Math.round(s[0]);
      eventWeight[i] = s[1];
      eventX[i] = java.util.Arrays.copyOfRange(s, 2, 2 + p);
      int c = 2 + p;
      for (int e = 0; e < 2; e++) {
        w[e][i] = s[c++];
        wx[e][i] = java.util.Arrays.copyOfRange(s, c, c + p);
        c += p;
        wxx[e][i] = new double[p * p];
        for (int j = 0; j < p; j++) {
          for (int l = j; l < p; l++) {
            wxx[e][i][j * p + l] = s[c];
            wxx[e][i][l * p + j] = s[c++];
          }
        }
      }
    }
    return new Cox.StratumSums(time, events, eventWeight, eventX, w[0], wx[0], wxx[0], w[1], wx[1], wxx[1]);
  }

  private static double[] addInto(double[] into, double[] more) {
    for (int i = 0; i < into.length; i++) {
      into[i] += more[i];
    }
    return into;
  }

  /** A partition's rows as arrays, sorted by stratum and time (so a cell's rows are adjacent). */
  static final class Block implements Serializable {
    private final String[] stratum;
    private final double[] time;
    private final boolean[] event;
    private final double[] weight;
    /** Row i's covariates at [i·p, (i+1)·p). */
    private final double[] x;
    private final int p;

    private Block(String[] stratum, double[] time, boolean[] event, double[] weight, double[] x, int p) {
      this.stratum = stratum;
      this.time = time;
      this.event = event;
      this.weight = weight;
      this.x = x;
      this.p = p;
    }

    /** @param rows stratum, time, event, weight, then the p covariates */
    static Block of(Iterator<Row> rows, int p) {
      List<Row> list = new ArrayList<>();
      rows.forEachRemaining(list::add);
      // equal strata share one String, so the cached block holds each stratum's name once
      Map<String, String> names = new java.util.HashMap<>();
      list.sort(Comparator.<Row, String>comparing(r -> r.getString(0)).thenComparingDouble(r -> r.getDouble(1)));
      int n = list.size();
      String[] stratum = new String[n];
      double[] time = new double[n];
      boolean[] event = new boolean[n];
      double[] weight = new double[n];
      double[] x = new double[n * p];
      for (int i = 0; i < n; i++) {
        Row r = list.get(i);
        stratum[i] = names.computeIfAbsent(r.getString(0), k -> k);
        time[i] = r.getDouble(1);
        event[i] = r.getBoolean(2);
        weight[i] = r.getDouble(3);
        for (int j = 0; j < p; j++) {
          x[i * p + j] = r.getDouble(4 + j);
        }
      }
      return new Block(stratum, time, event, weight, x, p);
    }

    /** The block's sums per cell at β. */
    Iterator<Tuple2<Cell, double[]>> sums(double[] beta) {
      List<Tuple2<Cell, double[]>> out = new ArrayList<>();
      int width = width(p);
      double[] s = null;
      for (int i = 0; i < time.length; i++) {
        if (s == null || !stratum[i].equals(stratum[i - 1]) || time[i] != time[i - 1]) {
          s = new double[width];
          out.add(new Tuple2<>(new Cell(stratum[i], time[i]), s));
        }
        int o = i * p;
        double eta = 0;
        for (int j = 0; j < p; j++) {
          eta += x[o + j] * beta[j];
        }
        double risk = weight[i] * Math.exp(eta);
        if (event[i]) {
          s[0] += 1;
          s[1] += weight[i];
          for (int j = 0; j < p; j++) {
            s[2 + j] += weight[i] * x[o + j];
          }
        }
        // over everyone, then (for an event) over the events only
        for (int e = 0; e < (event[i] ? 2 : 1); e++) {
          int c = 2 + p + e * (1 + p + p * (p + 1) / 2);
          s[c++] += risk;
          for (int j = 0; j < p; j++) {
            s[c++] += risk * x[o + j];
          }
          for (int j = 0; j < p; j++) {
            double rj = risk * x[o + j];
            for (int l = j; l < p; l++) {
              s[c++] += rj * x[o + l];
            }
          }
        }
      }
      return out.iterator();
    }
  }
}
