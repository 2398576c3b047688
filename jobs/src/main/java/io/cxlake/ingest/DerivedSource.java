package io.cxlake.ingest;

import io.cxlake.core.ConfigException;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.JobRunner;
import io.cxlake.core.Progress;
import io.cxlake.core.SourcesConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * An entity derived by a SQL query over other entities' landing files (sources.yaml
 * {@code query}): each file-based entity the query names is a temporary view of its files with
 * their own column names, as landed. The query is analysed before ingest writes anything, so an
 * unknown entity or column is a configuration error naming the key. The result is ingested as
 * one "file" whose identity is a fingerprint of the input files: it is recomputed only when one
 * of them changed.
 *
 * @param file        the sources file (for messages)
 * @param rows        the query's result (lazy)
 * @param fingerprint the input files' identity: path {@code query:<entity>}, size a hash of the
 *                    files' paths, sizes and times, modified the latest of those times
 * @param inputs      the entities the query reads
 */
record DerivedSource(String entity, String file, Dataset<Row> rows, LandingFile fingerprint, List<String> inputs,
    SparkSession spark) {
  static final String PREFIX = "query:";

  static DerivedSource prepare(SparkSession spark, EntitySpec e, SourcesConfig.Source source, SourcesConfig sources,
      String root, String file, Configuration hadoop) {
    String key = "entities." + e.name() + ".query";
    List<String> inputs = new ArrayList<>();
    StringBuilder identity = new StringBuilder();
    long modified = 0;
    for (Map.Entry<String, SourcesConfig.Source> in : sources.entities().entrySet()) {
      SourcesConfig.Source s = in.getValue();
      if (s.derived() || !Pattern.compile("(?i)\\b" + Pattern.quote(in.getKey()) + "\\b").matcher(source.query()).find()) {
        continue;
      }
      List<LandingFile> files = IngestStage.list(IngestStage.pattern(s, root), s.format(), hadoop, spark);
      if (files.isEmpty()) {
        throw new io.cxlake.core.CxlakeException(e.name() + " is derived from " + in.getKey()
            + ", which has no landing file (" + IngestStage.pattern(s, root) + ")");
      }
      view(spark, s, files).createOrReplaceTempView(in.getKey());
      inputs.add(in.getKey());
      for (LandingFile f : files) {
        identity.append(f.path()).append('|').append(f.size()).append('|').append(f.modifiedMillis()).append('\n');
        modified = Math.max(modified, f.modifiedMillis());
      }
    }
    if (inputs.isEmpty()) {
      throw new ConfigException(file, key, "reads no landed entity (it can read "
          + sources.entities().entrySet().stream().filter(x -> !x.getValue().derived()).map(Map.Entry::getKey).toList() + ")");
    }
    Dataset<Row> rows;
    try {
      rows = spark.sql(source.query());
      rows.schema(); // analysis: unknown tables and columns fail here
    } catch (Exception ex) { // Spark's AnalysisException and ParseException are checked in Java terms
      inputs.forEach(spark.catalog()::dropTempView);
      throw new ConfigException(file, key, JobRunner.oneLine(ex));
    }
    Map<String, String> mapping = IngestStage.mapping(e, source);
    String missing = IngestStage.missingColumns(new LandingFile("the query result", 0, 0), List.of(rows.columns()), mapping,
        IngestStage.neededColumns(e, source, mapping), new java.util.HashSet<>());
    if (missing != null) {
      inputs.forEach(spark.catalog()::dropTempView);
      throw new ConfigException(file, key, missing);
    }
    long hash = UUID.nameUUIDFromBytes(identity.toString().getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
    return new DerivedSource(e.name(), file, rows, new LandingFile(PREFIX + e.name(), hash, modified), inputs, spark);
  }

  /**
   * An entity's landing files as one dataset of their own columns (missing columns across files
   * as null). A file that fails its checks is left out: its own entity's ingest rejects it and
   * says why.
   */
  private static Dataset<Row> view(SparkSession spark, SourcesConfig.Source s, List<LandingFile> files) {
    StructType json = IngestStage.jsonSchema(spark, s, files);
    Map<LandingFile, List<String>> headers = new java.util.HashMap<>();
    List<LandingFile> readable = new ArrayList<>(files);
    if (s.format().equals("csv")) {
      Map<String, LandingText.Start> starts = LandingText.starts(spark, files.stream().map(LandingFile::path).toList(),
          LandingText.Reading.of(s));
      for (LandingFile f : files) {
        LandingText.Start start = starts.get(f.path());
        if (start.problem() != null) {
          readable.remove(f);
          Progress.warn("ingest: {} is left out of the derived entities' input ({})", f.path(), start.problem());
        } else {
          headers.put(f, start.header());
        }
      }
    } else if (s.format().equals("parquet")) {
      // Parquet files may differ in columns: each is its own scan, and the union fills the gaps.
      readable.forEach(f -> headers.put(f, List.of(f.path())));
    }
    if (readable.isEmpty()) {
      throw new io.cxlake.core.CxlakeException("none of the " + files.size() + " landing files of " + s.path()
          + " passed its checks (their own entity's ingest says why)");
    }
    Dataset<Row> union = null;
    for (List<LandingFile> group : IngestStage.scans(readable, headers)) {
      Dataset<Row> raw = IngestStage.readRaw(spark, s, group, s.format().equals("csv") ? headers.get(group.get(0)) : null,
          json).drop("_corrupt_record");
      union = union == null ? raw : union.unionByName(raw, true);
    }
    return union;
  }

  /** Drops the temporary views. */
  void release() {
    inputs.forEach(spark.catalog()::dropTempView);
  }
}
