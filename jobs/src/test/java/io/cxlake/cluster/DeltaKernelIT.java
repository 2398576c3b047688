package io.cxlake.cluster;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.temporal.ChronoUnit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BI access without Spark: Delta Kernel (the reader library behind Trino's, Flink's and other
 * engines' Delta connectors) reads gold tables the cluster run wrote and gets exactly the rows
 * Spark reads — same schema, same values, deletion vectors and all.
 */
class DeltaKernelIT {

  @ParameterizedTest
  @ValueSource(strings = {"kpi_experience", "key_driver"})
  void kernelReadsTheSameRowsAsSpark(String table) throws Exception {
    ClusterWarehouse run = ClusterWarehouse.get();
    String path = run.table("cx_gold", table).toString();

    KernelTable kernel = readWithKernel(path);
    List<Row> sparkRows = TestSpark.session().read().format("delta").load(path).collectAsList();
    List<String> sparkColumns = List.of(TestSpark.session().read().format("delta").load(path).columns());

    assertEquals(sparkColumns, kernel.columns);
    assertTrue(kernel.rows.size() > 0, table + " is empty");
    List<String> fromSpark = new ArrayList<>();
    for (Row r : sparkRows) {
      fromSpark.add(canonical(r));
    }
    List<String> fromKernel = new ArrayList<>(kernel.rows);
    fromSpark.sort(null);
    fromKernel.sort(null);
    assertEquals(fromSpark.size(), fromKernel.size(), table + ": row counts");
    assertEquals(fromSpark, fromKernel, table + ": rows");
  }

  record KernelTable(List<String> columns, List<String> rows) {}

  /** The latest snapshot of a Delta table, read file by file with the default engine. */
  static KernelTable readWithKernel(String path) throws Exception {
    Engine engine = DefaultEngine.create(new Configuration());
    Snapshot snapshot = Table.forPath(engine, path).getLatestSnapshot(engine);
    StructType schema = snapshot.getSchema();
    Scan scan = snapshot.getScanBuilder().build();
    io.delta.kernel.data.Row scanState = scan.getScanState(engine);
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
    List<String> rows = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<io.delta.kernel.data.Row> files = scanFiles.next().getRows()) {
          while (files.hasNext()) {
            io.delta.kernel.data.Row file = files.next();
            FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
            CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler()
                .readParquetFiles(io.delta.kernel.internal.util.Utils.singletonCloseableIterator(status), physicalSchema, Optional.empty());
            // Applies deletion vectors and partition values: the logical rows of the file.
            try (CloseableIterator<FilteredColumnarBatch> data = Scan.transformPhysicalData(engine, scanState, file, physical)) {
              while (data.hasNext()) {
                addRows(data.next(), rows);
              }
            }
          }
        }
      }
    }
    return new KernelTable(schema.fieldNames(), rows);
  }

  private static void addRows(FilteredColumnarBatch batch, List<String> out) {
    ColumnarBatch data = batch.getData();
    Optional<ColumnVector> selected = batch.getSelectionVector();
    for (int i = 0; i < data.getSize(); i++) {
      if (selected.isPresent() && (selected.get().isNullAt(i) || !selected.get().getBoolean(i))) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < data.getSchema().length(); c++) {
        ColumnVector v = data.getColumnVector(c);
        sb.append(c == 0 ? "" : "|").append(v.isNullAt(i) ? "null" : kernelValue(v, i));
      }
      out.add(sb.toString());
    }
  }

  private static String kernelValue(ColumnVector v, int i) {
    DataType t = v.getDataType();
    if (t instanceof StringType) return v.getString(i);
    if (t instanceof LongType) return Long.toString(v.getLong(i));
    if (t instanceof IntegerType) return Integer.toString(v.getInt(i));
    if (t instanceof DoubleType) return Double.toString(v.getDouble(i));
    if (t instanceof BooleanType) return Boolean.toString(v.getBoolean(i));
    if (t instanceof DateType) return "day:" + v.getInt(i);
    if (t instanceof TimestampType) return "us:" + v.getLong(i);
    throw new IllegalArgumentException("type not compared by this test: " + t);
  }

  /** A Spark row in the same notation: dates as epoch days, timestamps as epoch microseconds. */
  private static String canonical(Row r) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < r.length(); c++) {
      Object o = r.get(c);
      String s;
      if (o == null) {
        s = "null";
      } else if (o instanceof java.time.LocalDate d) {
        s = "day:" + d.toEpochDay();
      } else if (o instanceof Date d) {
        s = "day:" + d.toLocalDate().toEpochDay();
      } else if (o instanceof Timestamp ts) {
        Instant in = ts.toInstant();
        s = "us:" + ChronoUnit.MICROS.between(Instant.EPOCH, in);
      } else {
        s = o.toString();
      }
      sb.append(c == 0 ? "" : "|").append(s);
    }
    return sb.toString();
  }
}
