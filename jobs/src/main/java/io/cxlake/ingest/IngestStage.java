package io.cxlake.ingest;

import io.cxlake.core.DeltaRetry;
import io.cxlake.platform.Parallel;
import io.cxlake.core.TableRef;
import io.cxlake.platform.StageModule;
import static org.apache.spark.sql.functions.*;

import io.cxlake.core.Catalog;
import io.cxlake.core.ColumnSpec;
import io.cxlake.core.ConfigLoader;
import io.cxlake.core.Entities;
import io.cxlake.core.EntitySpec;
import io.cxlake.core.HadoopFiles;
import io.cxlake.core.HaltPoints;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import io.cxlake.core.OpsTables;
import io.cxlake.core.Progress;
import io.cxlake.core.SourcesConfig;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Landing to bronze (SPEC §6.1). Per entity: list the files of its mapping, skip files
 * already in bronze (same path, size and modification time — read from bronze itself, so a
 * run that died after its write is not ingested twice), check each new file (empty, header,
 * Parquet footer), read the good ones as strings, apply the column mapping and append them
 * with lineage columns. A bad file is reported and the other files and entities go on.
 */
public final class IngestStage implements Stage {

  /** Landing files to bronze. */
  public static final StageModule MODULE = StageModule.define("ingest",
          "Landing files -> bronze Delta tables (new or changed files only).")
      .config(IngestConfig.SECTION)
      .writes(Entities.ALL.stream().map(e -> TableRef.bronze(e.name())).toArray(TableRef[]::new))
      .incremental()   // new landing files only
      .build(registry -> new IngestStage());
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final StructType LEDGER = new StructType()
      .add("entity", DataTypes.StringType, false).add("path", DataTypes.StringType, false)
      .add("size_bytes", DataTypes.LongType).add("modified_at", DataTypes.TimestampType)
      .add("status", DataTypes.StringType, false).add("rows", DataTypes.LongType)
      .add("message", DataTypes.StringType).add("batch_id", DataTypes.StringType)
      .add("run_id", DataTypes.StringType, false).add("logged_at", DataTypes.TimestampType, false);

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public StageResult run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    ConfigLoader loader = new ConfigLoader(java.util.List.of());
    String sourcesFile = ctx.loaded().sourcesFile();
    SourcesConfig sources = loader.loadSources(sourcesFile);
    // Hadoop URIs throughout (file:, hdfs://, s3a://, ...): a local --landing is made absolute.
    String root = (ctx.landingRoot() != null
        ? HadoopFiles.qualify(ctx.landingRoot())
        : HadoopFiles.resolve(HadoopFiles.parent(sourcesFile), sources.landingRoot())).replaceAll("/+$", "");
    Catalog catalog = ctx.catalog();
    String batchId = ctx.runId();
    List<Row> ledger = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    long rowsOut = 0;
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    // Derived entities are checked before anything is written: a bad query is a configuration error.
    Map<String, DerivedSource> derived = new LinkedHashMap<>();
    for (EntitySpec e : Entities.ALL) {
      SourcesConfig.Source source = sources.entities().get(e.name());
      if (source != null && source.derived()) {
        derived.put(e.name(), DerivedSource.prepare(spark, e, source, sources, root, HadoopFiles.display(sourcesFile), hadoop));
      }
    }
    // Entities are independent: a few at a time, so one entity's small jobs and commits overlap
    // another's (on small data the fixed cost per job and commit is most of the time).
    List<EntitySpec> present = Entities.ALL.stream().filter(e -> sources.entities().containsKey(e.name())).toList();
    List<EntityIngest> results = Parallel.map(present, e -> {
      SourcesConfig.Source source = sources.entities().get(e.name());
      EntityIngest r = new EntityIngest();
      try {
        r.rows = derived.containsKey(e.name())
            ? ingestDerived(spark, catalog, e, source, derived.get(e.name()), batchId, ctx.runId(), r.ledger)
            : ingestEntity(spark, catalog, e, source, root, batchId, ctx.runId(), r.ledger, r.problems);
      } catch (Exception ex) { // also Spark's checked exceptions, which Scala throws undeclared
        String msg = e.name() + ": " + JobRunner.oneLine(ex);
        r.problems.add(msg);
        r.ledger.add(ledgerRow(e.name(), source.derived() ? DerivedSource.PREFIX + e.name() : source.path(), null,
            "rejected", null, msg, null, ctx.runId()));
        Progress.warn("ingest {}", msg);
      }
      return r;
    });
    for (int i = 0; i < present.size(); i++) {
      EntityIngest r = results.get(i);
      counts.put(present.get(i).name(), r.rows);
      rowsOut += r.rows;
      ledger.addAll(r.ledger);
      problems.addAll(r.problems);
    }
    derived.values().forEach(DerivedSource::release);
    if (!ledger.isEmpty()) {
      String table = catalog.ops(OpsTables.INGEST_FILE);
      DeltaRetry.write(table, () -> spark.createDataFrame(ledger, LEDGER).write().format("delta").mode("append")
          .saveAsTable(table));
    }
    counts.put("files_rejected", ledger.stream().filter(r -> "rejected".equals(r.getString(4))).count());
    counts.put("files_ingested", ledger.stream().filter(r -> "ingested".equals(r.getString(4))).count());
    boolean fail = "fail".equals(ctx.config().get(IngestConfig.SECTION).onBadFile());
    for (String p : problems) {
      Progress.warn("ingest: {}", p);
    }
    return new StageResult(rowsOut, rowsOut, counts, fail ? problems : List.of());
  }

  /** What ingesting one entity leaves for the stage: rows landed, ledger rows, problems. */
  private static final class EntityIngest {
    final List<Row> ledger = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    long rows;
  }

  private long ingestEntity(SparkSession spark, Catalog catalog, EntitySpec e, SourcesConfig.Source source,
      String root, String batchId, String runId, List<Row> ledger, List<String> problems) {
    String pattern = pattern(source, root);
    boolean required = source.required() == null || source.required();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<LandingFile> files = list(pattern, source.format(), hadoop, spark);
    if (files.isEmpty()) {
      String msg = e.name() + ": no file matches " + pattern;
      ledger.add(ledgerRow(e.name(), pattern, null, "missing", null, msg, null, runId));
      if (required) {
        problems.add(msg);
      } else {
        Progress.warn("ingest {} (optional source)", msg);
      }
      return 0;
    }
    BronzeTables.ensure(spark, catalog, e);
    Set<LandingFile> done = alreadyIngested(spark, catalog.bronze(e.name()));
    Map<String, String> mapping = mapping(e, source);
    Set<String> needed = neededColumns(e, source, mapping);
    Set<String> absentOptional = new java.util.TreeSet<>();
    List<LandingFile> accepted = new ArrayList<>();
    Map<LandingFile, List<String>> headers = new LinkedHashMap<>();
    boolean text = source.format().equals("csv") || source.format().equals("json");
    Map<String, LandingText.Start> starts = text ? LandingText.starts(spark, files.stream()
        .filter(f -> !done.contains(f) && f.size() > 0).map(LandingFile::path).toList(), LandingText.Reading.of(source))
        : Map.of();
    for (LandingFile f : files) {
      if (done.contains(f)) {
        ledger.add(ledgerRow(e.name(), f.path(), f, "skipped_unchanged", 0L, null, null, runId));
        continue;
      }
      if (f.size() == 0 && source.format().equals("parquet")) {
        String msg = e.name() + ": " + f.path() + ": 0 bytes: not a Parquet file (an export that did not finish?)";
        problems.add(msg);
        ledger.add(ledgerRow(e.name(), f.path(), f, "rejected", null, msg, null, runId));
        continue;
      }
      if (f.size() == 0) {
        ledger.add(ledgerRow(e.name(), f.path(), f, "empty", 0L, "file is empty", null, runId));
        Progress.warn("ingest {}: {} is empty", e.name(), f.path());
        continue;
      }
      String problem = switch (source.format()) {
        case "csv" -> {
          LandingText.Start start = starts.get(f.path());
          if (start.problem() != null) {
            yield start.problem();
          }
          headers.put(f, start.header());
          yield missingColumns(f, start.header(), mapping, needed, absentOptional);
        }
        case "json" -> starts.get(f.path()).problem();
        case "parquet" -> parquetProblem(f, mapping, needed, absentOptional, headers, hadoop);
        default -> null;
      };
      if (problem != null) {
        String msg = e.name() + ": " + problem;
        problems.add(msg);
        ledger.add(ledgerRow(e.name(), f.path(), f, "rejected", null, msg, null, runId));
        continue;
      }
      accepted.add(f);
    }
    absentOptional.removeAll(suppliedColumns(e, source));
    if (!absentOptional.isEmpty()) {
      Progress.warn("ingest {}: optional columns {} are not in the landing files: read as null", e.name(), absentOptional);
    }
    if (accepted.isEmpty()) {
      return 0;
    }
    accepted = append(spark, catalog, e, source, accepted, headers, mapping, batchId, runId, ledger, problems);
    Map<String, Long> perFile = new LinkedHashMap<>();
    for (Row r : spark.table(catalog.bronze(e.name())).where(col("_batch_id").equalTo(batchId))
        .groupBy("_source_file").count().collectAsList()) {
      perFile.put(r.getString(0), r.getLong(1));
    }
    long total = 0;
    for (LandingFile f : accepted) {
      long n = perFile.getOrDefault(f.path(), 0L);
      total += n;
      ledger.add(ledgerRow(e.name(), f.path(), f, n == 0 ? "empty" : "ingested", n,
          n == 0 ? "file has no data rows" : null, batchId, runId));
    }
    Progress.info("  {}: {} rows from {} new file(s), {} unchanged", e.name(), total, accepted.size(),
        files.size() - accepted.size());
    return total;
  }

  /**
   * Appends the accepted files to bronze in one commit. A file that passed the checks can still
   * fail when read in full (a compressed file truncated past the sampled start): then each file
   * is appended on its own, so the bad one is rejected naming its cause and the others land.
   * Returns the files that landed.
   */
  private static List<LandingFile> append(SparkSession spark, Catalog catalog, EntitySpec e, SourcesConfig.Source source,
      List<LandingFile> files, Map<LandingFile, List<String>> headers, Map<String, String> mapping, String batchId,
      String runId, List<Row> ledger, List<String> problems) {
    String bronze = catalog.bronze(e.name());
    try {
      read(spark, e, source, files, headers, mapping, batchId).write().format("delta").mode("append").saveAsTable(bronze);
      HaltPoints.afterCommit("bronze." + e.name());
      return files;
    } catch (Exception whole) { // SparkException is checked, and Scala throws it undeclared
      if (files.size() == 1) {
        reject(e, files.get(0), whole, runId, ledger, problems);
        return List.of();
      }
      Progress.warn("ingest {}: reading {} files together failed ({}); appending them one by one", e.name(), files.size(),
          JobRunner.oneLine(whole));
      List<LandingFile> landed = new ArrayList<>();
      for (LandingFile f : files) {
        try {
          read(spark, e, source, List.of(f), headers, mapping, batchId).write().format("delta").mode("append")
              .saveAsTable(bronze);
          landed.add(f);
        } catch (Exception one) {
          reject(e, f, one, runId, ledger, problems);
        }
      }
      return landed;
    }
  }

  private static void reject(EntitySpec e, LandingFile f, Exception cause, String runId, List<Row> ledger,
      List<String> problems) {
    String msg = e.name() + ": " + f.path() + ": cannot be read in full (" + JobRunner.oneLine(rootCause(cause)) + ")";
    problems.add(msg);
    ledger.add(ledgerRow(e.name(), f.path(), f, "rejected", null, msg, null, runId));
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  /** The glob of a file source: its path under the landing root, or as given when absolute or a URI. */
  static String pattern(SourcesConfig.Source source, String root) {
    return source.path().matches("^([a-zA-Z][a-zA-Z0-9+.-]*:|/).*") ? source.path() : root + "/" + source.path();
  }

  /** A derived entity: the query's rows appended as one batch when its input files changed. */
  private long ingestDerived(SparkSession spark, Catalog catalog, EntitySpec e, SourcesConfig.Source source,
      DerivedSource d, String batchId, String runId, List<Row> ledger) {
    BronzeTables.ensure(spark, catalog, e);
    LandingFile input = d.fingerprint();
    if (alreadyIngested(spark, catalog.bronze(e.name())).contains(input)) {
      ledger.add(ledgerRow(e.name(), input.path(), input, "skipped_unchanged", 0L, null, null, runId));
      return 0;
    }
    Map<String, String> mapping = mapping(e, source);
    Set<String> absentOptional = new java.util.TreeSet<>();
    // the needed columns were checked by DerivedSource.prepare: this only collects the absent optional ones
    missingColumns(input, List.of(d.rows().columns()), mapping, Set.of(), absentOptional);
    absentOptional.removeAll(suppliedColumns(e, source));
    if (!absentOptional.isEmpty()) {
      Progress.warn("ingest {}: optional columns {} are not in the query result: read as null", e.name(), absentOptional);
    }
    Dataset<Row> raw = d.rows().withColumn("_corrupt_record", lit(null).cast("string"));
    mapped(raw, e, source, mapping, List.of(input)).withColumn("_ingested_at", current_timestamp())
        .withColumn("_batch_id", lit(batchId))
        .write().format("delta").mode("append").saveAsTable(catalog.bronze(e.name()));
    long n = spark.table(catalog.bronze(e.name())).where(col("_batch_id").equalTo(batchId)).count();
    ledger.add(ledgerRow(e.name(), input.path(), input, n == 0 ? "empty" : "ingested", n,
        n == 0 ? "the query returned no rows" : null, batchId, runId));
    Progress.info("  {}: {} rows derived from {}", e.name(), n, d.inputs());
    return n;
  }

  /** Optional columns ingest fills itself when the source lacks them: order line keys, rating scale bounds. */
  static Set<String> suppliedColumns(EntitySpec e, SourcesConfig.Source source) {
    Set<String> supplied = new HashSet<>(RatingScales.boundColumns(e, source));
    if (e.name().equals("orders")) {
      supplied.add("line_id");
    }
    return supplied;
  }

  /** canonical column -> source column name or SQL expression. */
  static Map<String, String> mapping(EntitySpec e, SourcesConfig.Source source) {
    Map<String, String> m = new LinkedHashMap<>();
    for (ColumnSpec c : e.columns()) {
      String v = source.columns() == null ? null : source.columns().get(c.name());
      m.put(c.name(), v == null ? c.name() : v);
    }
    return m;
  }

  /**
   * Source columns a file must have: those of required canonical columns and every column the
   * mapping names explicitly. An optional canonical column left to its default name may be
   * absent (it reads as null).
   */
  static Set<String> neededColumns(EntitySpec e, SourcesConfig.Source source, Map<String, String> mapping) {
    Set<String> needed = new HashSet<>();
    Set<String> supplied = suppliedColumns(e, source);
    for (ColumnSpec c : e.columns()) {
      String src = mapping.get(c.name());
      boolean explicit = source.columns() != null && source.columns().containsKey(c.name());
      if (IDENTIFIER.matcher(src).matches() && (explicit || (c.required() && !supplied.contains(c.name())))) {
        needed.add(src);
      }
    }
    return needed;
  }

  /** The problem with a file's columns, or null; absent optional columns are added to {@code absentOptional}. */
  static String missingColumns(LandingFile f, List<String> header, Map<String, String> mapping,
      Set<String> needed, Set<String> absentOptional) {
    if (header.isEmpty()) {
      return null; // no header line at all: treated as empty when read
    }
    Set<String> have = new HashSet<>(header);
    List<String> missing = mapping.values().stream()
        .filter(v -> IDENTIFIER.matcher(v).matches() && !have.contains(v)).distinct().toList();
    List<String> missingNeeded = missing.stream().filter(needed::contains).toList();
    if (!missingNeeded.isEmpty()) {
      return f.path() + ": header lacks columns " + missingNeeded + " (found: " + LandingText.printable(String.join(",", header)) + ")";
    }
    absentOptional.addAll(missing);
    return null;
  }

  /** Why a Parquet file cannot be ingested, or null; its columns go into {@code columns} (files are read grouped by them). */
  private static String parquetProblem(LandingFile f, Map<String, String> mapping, Set<String> needed,
      Set<String> absentOptional, Map<LandingFile, List<String>> columns, Configuration hadoop) {
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.path()), hadoop))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<String> fields = schema.getFields().stream().map(org.apache.parquet.schema.Type::getName).toList();
      columns.put(f, fields);
      return missingColumns(f, fields, mapping, needed, absentOptional);
    } catch (IOException | RuntimeException ex) {
      return f.path() + ": not a readable Parquet file (" + JobRunner.oneLine(ex) + ")";
    }
  }

  static List<LandingFile> list(String pattern, String format, Configuration hadoop, SparkSession spark) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(pattern);
      FileSystem fs = p.getFileSystem(hadoop);
      if (format.equals("delta")) {
        if (!fs.exists(new org.apache.hadoop.fs.Path(p, "_delta_log"))) {
          return List.of();
        }
        Row h = spark.sql("DESCRIBE HISTORY delta.`" + pattern + "` LIMIT 1").select("version", "timestamp").first();
        return List.of(new LandingFile(p.toString(), h.getLong(0), h.getTimestamp(1).getTime()));
      }
      FileStatus[] found = fs.globStatus(p);
      List<LandingFile> files = new ArrayList<>();
      if (found != null) {
        for (FileStatus s : found) {
          if (s.isFile()) {
            files.add(new LandingFile(s.getPath().toString(), s.getLen(), s.getModificationTime()));
          }
        }
      }
      files.sort(java.util.Comparator.comparing(LandingFile::path));
      return files;
    } catch (IOException ex) {
      throw new io.cxlake.core.CxlakeException("cannot list " + pattern + ": " + ex.getMessage());
    }
  }

  private static Set<LandingFile> alreadyIngested(SparkSession spark, String bronze) {
    Set<LandingFile> done = new HashSet<>();
    for (Row r : spark.table(bronze).select("_source_file", "_source_size", "_source_modified").distinct().collectAsList()) {
      done.add(new LandingFile(r.getString(0), r.isNullAt(1) ? -1 : r.getLong(1),
          r.isNullAt(2) ? -1 : r.getTimestamp(2).getTime()));
    }
    return done;
  }

  /**
   * The files as one dataset for one write job: one scan per group of files that share a header
   * (CSV) or columns (Parquet), JSON in one scan, each row tagged with its file by the scan's own
   * file metadata. So a thousand landing files are a few scans that Spark packs into tasks, not a
   * union of a thousand plans.
   */
  private static Dataset<Row> read(SparkSession spark, EntitySpec e, SourcesConfig.Source source,
      List<LandingFile> files, Map<LandingFile, List<String>> headers, Map<String, String> mapping, String batchId) {
    StructType jsonSchema = jsonSchema(spark, source, files);
    Dataset<Row> union = null;
    for (List<LandingFile> group : scans(files, headers)) {
      Dataset<Row> tagged = mapped(readRaw(spark, source, group, headers.get(group.get(0)), jsonSchema), e, source,
          mapping, group);
      union = union == null ? tagged : union.unionByName(tagged);
    }
    return union.withColumn("_ingested_at", current_timestamp()).withColumn("_batch_id", lit(batchId));
  }

  /** Files that can be read in one scan: the same header or columns (none for JSON), in listing order. */
  static java.util.Collection<List<LandingFile>> scans(List<LandingFile> files, Map<LandingFile, List<String>> headers) {
    Map<List<String>, List<LandingFile>> groups = new LinkedHashMap<>();
    for (LandingFile f : files) {
      groups.computeIfAbsent(headers.getOrDefault(f, List.of()), k -> new ArrayList<>()).add(f);
    }
    return groups.values();
  }

  /** For JSON sources: one schema over all the files, every primitive as a string, plus the corrupt-record column. */
  static StructType jsonSchema(SparkSession spark, SourcesConfig.Source source, List<LandingFile> files) {
    if (!source.format().equals("json")) {
      return null;
    }
    StructType inferred = spark.read().options(options(source)).option("primitivesAsString", "true")
        .json(files.stream().map(LandingFile::path).toArray(String[]::new)).schema();
    StructType schema = new StructType();
    for (StructField f : inferred.fields()) {
      if (!f.name().equals("_corrupt_record")) {
        schema = schema.add(f);
      }
    }
    return schema.add("_corrupt_record", DataTypes.StringType);
  }

  /**
   * Landing files as read: their own columns (CSV and JSON as strings), malformed lines in
   * _corrupt_record; for file formats, the scan's hidden _metadata column says each row's file.
   */
  static Dataset<Row> readRaw(SparkSession spark, SourcesConfig.Source source, List<LandingFile> files,
      List<String> csvHeader, StructType jsonSchema) {
    DataFrameReader reader = spark.read().options(options(source));
    String[] paths = files.stream().map(LandingFile::path).toArray(String[]::new);
    Dataset<Row> scan = switch (source.format()) {
      case "csv" -> {
        StructType schema = new StructType();
        for (String h : csvHeader) {
          schema = schema.add(h, DataTypes.StringType);
        }
        schema = schema.add("_corrupt_record", DataTypes.StringType);
        // RFC 4180 unless the source says otherwise: a quote inside a quoted field is doubled
        // (Spark's default escape is a backslash), and a quoted field may hold line breaks
        // (multiLine: one file is then read by one task; a source that never quotes a line
        // break can set multiLine: false to split large files).
        yield reader.schema(schema).option("header", "true").option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", "_corrupt_record")
            .option("escape", LandingText.option(source, "escape", "\""))
            .option("multiLine", LandingText.option(source, "multiLine", "true")).csv(paths);
      }
      case "json" -> reader.schema(jsonSchema).option("mode", "PERMISSIVE")
          .option("columnNameOfCorruptRecord", "_corrupt_record").json(paths);
      case "parquet" -> reader.parquet(paths);
      case "delta" -> reader.format("delta").load(paths[0]);
      default -> throw new IllegalArgumentException("format " + source.format());
    };
    return source.format().equals("csv")
        ? markRepeatedHeader(scan, csvHeader, LandingText.option(source, "sep", LandingText.option(source, "delimiter", ",")))
        : scan;
  }

  /**
   * A line equal to the header inside the file (files concatenated with their headers) is not a
   * data row: it goes to quarantine as repeated_header rather than failing as bad values.
   */
  static Dataset<Row> markRepeatedHeader(Dataset<Row> rows, List<String> header, String sep) {
    Column same = null;
    for (String h : header) {
      if (!h.matches("_c\\d+")) {
        Column eq = coalesce(trim(col("`" + h + "`")).equalTo(lit(h)), lit(false));
        same = same == null ? eq : same.and(eq);
      }
    }
    return same == null ? rows : rows.withColumn("_corrupt_record",
        when(same, lit(BronzeTables.REPEATED_HEADER + String.join(sep, header))).otherwise(col("_corrupt_record")));
  }

  private static Map<String, String> options(SourcesConfig.Source source) {
    return source.options() == null ? Map.of() : source.options();
  }

  /**
   * Files' (or a query's) rows as bronze: the canonical columns as strings, the corrupt-record
   * column and the lineage. Orders get their line key and credit notes their sign here.
   */
  static Dataset<Row> mapped(Dataset<Row> raw, EntitySpec e, SourcesConfig.Source source, Map<String, String> mapping,
      List<LandingFile> files) {
    Set<String> available = new HashSet<>(List.of(raw.columns()));
    Map<String, Column> canonical = new LinkedHashMap<>();
    for (Map.Entry<String, String> m : mapping.entrySet()) {
      String src = m.getValue();
      Column c;
      if (IDENTIFIER.matcher(src).matches()) {
        c = available.contains(src) ? col("`" + src + "`") : lit(null);
      } else {
        c = expr(src);
      }
      canonical.put(m.getKey(), c.cast("string"));
    }
    boolean lineIdGiven = available.contains(mapping.get("line_id"))
        || (source.columns() != null && source.columns().containsKey("line_id"));
    if (e.name().equals("orders")) {
      OrderLines.apply(canonical, source, lineIdGiven);
    }
    RatingScales.apply(canonical, e, source);
    List<Column> cols = new ArrayList<>();
    canonical.forEach((name, c) -> cols.add(c.as(name)));
    cols.add(available.contains("_corrupt_record") ? col("_corrupt_record") : lit(null).cast("string").as("_corrupt_record"));
    cols.addAll(lineage(raw, files));
    cols.add(monotonically_increasing_id().as("_row_seq"));
    Dataset<Row> out = raw.select(cols.toArray(Column[]::new));
    return e.name().equals("orders") && source.lines() && !lineIdGiven ? OrderLines.numberLines(out) : out;
  }

  /**
   * _source_file, _source_size and _source_modified. From a file scan: the size and time Spark
   * read (a file rewritten after listing is then recognised as ingested next time) and the path
   * as listed (Spark gives the URI form, which escapes characters such as spaces). Otherwise
   * (a Delta source, a query) from the one listed input.
   */
  private static List<Column> lineage(Dataset<Row> raw, List<LandingFile> files) {
    // the scan's hidden _metadata column: not a column of the file, so mapping expressions such
    // as to_json(struct(*)) see the file's own columns only
    Column meta;
    try {
      meta = raw.metadataColumn("_metadata");
    } catch (Exception notAFileScan) { // a Delta source or a query: Spark's AnalysisException
      LandingFile f = files.get(0);
      return List.of(lit(f.path()).as("_source_file"), lit(f.size()).as("_source_size"),
          lit(new Timestamp(f.modifiedMillis())).as("_source_modified"));
    }
    List<Column> renamed = new ArrayList<>();
    for (LandingFile f : files) {
      String uri = new org.apache.hadoop.fs.Path(f.path()).toUri().toString();
      if (!uri.equals(f.path())) {
        renamed.add(lit(uri));
        renamed.add(lit(f.path()));
      }
    }
    Column scanned = meta.getField("file_path");
    Column path = renamed.isEmpty() ? scanned
        : coalesce(element_at(map(renamed.toArray(Column[]::new)), scanned), scanned);
    return List.of(path.as("_source_file"), meta.getField("file_size").as("_source_size"),
        meta.getField("file_modification_time").as("_source_modified"));
  }

  private static Row ledgerRow(String entity, String path, LandingFile f, String status, Long rows,
      String message, String batchId, String runId) {
    return RowFactory.create(entity, path, f == null ? null : f.size(),
        f == null ? null : new Timestamp(f.modifiedMillis()), status, rows, message, batchId, runId,
        Timestamp.from(Instant.now()));
  }
}
