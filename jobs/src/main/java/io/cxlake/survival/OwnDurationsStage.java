package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;

import io.cxlake.contract.GoldWriter;
import io.cxlake.core.CxlakeException;
import io.cxlake.core.JobContext;
import io.cxlake.core.Progress;
import io.cxlake.core.Stage;
import io.cxlake.core.StageResult;
import io.cxlake.platform.OwnTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Bring your own durations: survival on any customer-level table with a duration and an event
 * column (e.g. tenure in months and a churn flag). Rows without a valid duration (a number, 0
 * or more) or event (yes/no, true/false, 1/0) are rejected and counted; string columns give
 * Kaplan–Meier curves with log-rank tests and, with numeric columns, the covariates of a Cox
 * model (a numeric column with missing values is filled with its mean, plus an indicator).
 * With a weight column (a number above 0), the Cox model weighs each customer by it (case
 * weights, as R's coxph(weights=)); the curves count customers. Written as population / model
 * "own" of the as-of date (today when none is given).
 */
public final class OwnDurationsStage implements Stage {
  private final String source;
  private final String format;
  private final String durationColumn;
  private final String eventColumn;
  private final String idColumn;
  private final String weightColumn;

  /**
   * @param idColumn may be null (then ids are not checked)
   * @param weightColumn may be null (every customer weighs 1)
   */
  public OwnDurationsStage(String source, String format, String durationColumn, String eventColumn, String idColumn,
      String weightColumn) {
    this.source = source;
    this.format = format;
    this.durationColumn = durationColumn;
    this.eventColumn = eventColumn;
    this.idColumn = idColumn;
    this.weightColumn = weightColumn;
  }

  @Override
  public String name() {
    return SurvivalStage.NAME + "-own";
  }

  /** Typed rows (time, event, features) and what was rejected. */
  record Prepared(Dataset<Row> rows, OwnTable.Features features, long rowsRead, long badDuration, long badEvent,
      long missingId, long duplicateIds, long badWeight) {}

  static Prepared prepare(Dataset<Row> raw, String durationColumn, String eventColumn, String idColumn,
      String weightColumn) {
    OwnTable.require(raw, "the table", durationColumn, eventColumn, idColumn);
    if (weightColumn != null) {
      OwnTable.require(raw, "the table", weightColumn);
    }
    Column duration = OwnTable.blankToNull(col(OwnTable.quote(durationColumn)).cast("string")).try_cast("double");
    Column validDuration = duration.isNotNull().and(duration.geq(0)).and(not(isnan(duration)));
    Column event = OwnTable.yesNo(col(OwnTable.quote(eventColumn)));
    Column id = idColumn == null ? lit("-") : OwnTable.blankToNull(col(OwnTable.quote(idColumn)).cast("string"));
    Column weight = weightColumn == null ? lit(1.0)
        : OwnTable.blankToNull(col(OwnTable.quote(weightColumn)).cast("string")).try_cast("double");
    Column validWeight = coalesce(weight.gt(0).and(not(isnan(weight))), lit(false));
    List<String> reserved = new ArrayList<>(List.of(durationColumn, eventColumn));
    if (idColumn != null) {
      reserved.add(idColumn);
    }
    if (weightColumn != null) {
      reserved.add(weightColumn);
    }
    OwnTable.Features f = OwnTable.features(raw, reserved, List.of(count(lit(1)),
        count(when(id.isNull(), 1)),
        count(when(id.isNotNull().and(not(coalesce(validDuration, lit(false)))), 1)),
        count(when(id.isNotNull().and(coalesce(validDuration, lit(false))).and(event.isNull()), 1)),
        idColumn == null ? lit(0L) : count(id).minus(count_distinct(id)),
        count(when(id.isNotNull().and(coalesce(validDuration, lit(false))).and(event.isNotNull()).and(not(validWeight)), 1))));
    List<Column> select = new ArrayList<>(List.of(duration.as("time"), event.equalTo(1.0).as("event"), weight.as("weight")));
    select.addAll(f.columns());
    Dataset<Row> rows = raw.where(id.isNotNull().and(coalesce(validDuration, lit(false))).and(event.isNotNull()).and(validWeight))
        .select(select.toArray(Column[]::new));
    List<Object> n = f.extra();
    return new Prepared(rows, f, (Long) n.get(0), (Long) n.get(2), (Long) n.get(3), (Long) n.get(1), (Long) n.get(4),
        (Long) n.get(5));
  }

  /** The Cox design: numeric columns (mean-filled, plus a missing indicator when needed) and string columns as levels. */
  static SurvivalModel.Design design(Dataset<Row> rows, OwnTable.Features f, SurvivalConfig cfg) {
    List<SurvivalModel.Covariate> covs = new ArrayList<>();
    List<Column> select = new ArrayList<>(List.of(lit("all").as("stratum"), col("time"), col("event"), col("weight")));
    if (!f.numeric().isEmpty()) {
      List<Column> stats = new ArrayList<>();
      f.numeric().forEach(c -> {
        stats.add(avg(col(c)));
        stats.add(count(when(col(c).isNull(), 1)));
      });
      Row r = rows.agg(stats.get(0), stats.subList(1, stats.size()).toArray(Column[]::new)).first();
      for (int i = 0; i < f.numeric().size(); i++) {
        String c = f.numeric().get(i);
        String name = f.originalNames().get(c);
        if (r.isNullAt(2 * i)) {
          Progress.warn("survival: {} has no value; left out", name);
          continue;
        }
        covs.add(new SurvivalModel.Covariate(c, name, null));
        select.add(coalesce(col(c), lit(r.getDouble(2 * i))).as(c));
        if (r.getLong(2 * i + 1) > 0) {
          covs.add(new SurvivalModel.Covariate(c + "__missing", name + " missing", null));
          select.add(when(col(c).isNull(), 1.0).otherwise(0.0).as(c + "__missing"));
        }
      }
    }
    Map<String, Column> categorical = new LinkedHashMap<>();
    f.categorical().forEach(c -> categorical.put(f.originalNames().get(c), col(c)));
    SurvivalModel.dummies(rows, categorical, cfg.minGroupCustomers(), covs, select);
    return new SurvivalModel.Design(rows.select(select.toArray(Column[]::new)), covs, List.of());
  }

  @Override
  public StageResult run(JobContext ctx) {
    SurvivalConfig cfg = ctx.config().get(SurvivalConfig.SECTION);
    LocalDate asOf = ctx.asOf() != null ? ctx.asOf() : LocalDate.now(java.time.ZoneOffset.UTC);
    Prepared p = prepare(OwnTable.read(ctx, source, format, "--features"), durationColumn, eventColumn, idColumn,
        weightColumn);
    Progress.info("{}: {} rows; {} numeric and {} string columns; rejected {} without id, {} without a valid duration "
            + "(a number, 0 or more), {} without a valid event (yes/no, true/false, 1/0), {} without a valid weight (a "
            + "number above 0)", source, p.rowsRead(), p.features().numeric().size(), p.features().categorical().size(),
        p.missingId(), p.badDuration(), p.badEvent(), p.badWeight());
    if (p.duplicateIds() > 0) {
      Progress.warn("{} ids occur more than once in {}: the table should have one row per customer", p.duplicateIds(), source);
    }
    Dataset<Row> rows = p.rows().persist(StorageLevel.MEMORY_AND_DISK());
    GoldWriter writer = new GoldWriter(ctx);
    List<Row> model;
    try {
      // curves by each string column, under its own name
      List<Column> curveColumns = new ArrayList<>(List.of(col("time"), col("event")));
      List<String> dimensions = new ArrayList<>();
      for (String c : p.features().categorical()) {
        dimensions.add(p.features().originalNames().get(c));
        curveColumns.add(col(c).as(p.features().originalNames().get(c)));
      }
      List<SurvivalCurves.GroupCounts> groups = SurvivalCurves.groups(SurvivalCurves.counts(
              rows.select(curveColumns.toArray(Column[]::new)), "own", dimensions).collectAsList());
      if (groups.isEmpty()) {
        throw new CxlakeException(source + ": no row with a valid duration and event (rejected: " + p.missingId()
            + " without id, " + p.badDuration() + " duration, " + p.badEvent() + " event)");
      }
      String where = "as_of_date = DATE'" + asOf + "'";
      List<List<Row>> curves = SurvivalCurves.rows(asOf, groups, false, cfg, null);
      writer.replace(SurvivalContracts.SURVIVAL_CURVE, ctx.spark().createDataFrame(curves.get(0),
          SurvivalContracts.SURVIVAL_CURVE.schema()), where + " AND population = 'own'");
      writer.replace(SurvivalContracts.SURVIVAL_GROUP, ctx.spark().createDataFrame(curves.get(1),
          SurvivalContracts.SURVIVAL_GROUP.schema()), where + " AND population = 'own'");
      SurvivalCurves.GroupCounts all = groups.stream().filter(g -> g.dimension().equals("all")).findFirst().orElseThrow();
      SurvivalModel.Design design = design(rows, p.features(), cfg);
      model = SurvivalModel.fit(asOf, "own", design, SurvivalCurves.curve(all, cfg.confidence()), cfg);
      // replaced even when empty, as the native stage does: no rows of an earlier table stay
      writer.replace(SurvivalContracts.SURVIVAL_MODEL, ctx.spark().createDataFrame(model,
          SurvivalContracts.SURVIVAL_MODEL.schema()), where + " AND model = 'own'");
      SurvivalStage.print(asOf, curves.get(1), model);
    } finally {
      writer.flush();
      rows.unpersist();
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("rejected_no_id", p.missingId());
    counts.put("rejected_bad_duration", p.badDuration());
    counts.put("rejected_bad_event", p.badEvent());
    counts.put("rejected_bad_weight", p.badWeight());
    counts.put("tables_written", (long) writer.tablesWritten());
    return new StageResult(p.rowsRead(), writer.rowsWritten(), counts, writer.problems());
  }
}
