package io.cxlake.text;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Tokenization, stop words and language detection per language, and the lexicon fallback. */
class TextPrepTest {
  private static final List<String> LANGS = List.of("en", "es", "pt", "zh");

  private static Row prep(String text, String given) {
    return TestSpark.session().createDataFrame(List.of(RowFactory.create(text, given)),
            new StructType().add("t", "string").add("g", "string"))
        .withColumn("lang", TextPrep.language(col("t"), col("g"), LANGS))
        .withColumn("tokens", TextPrep.tokens(col("t"), col("lang"), LANGS))
        .withColumn("lex", Lexicon.score(col("tokens"), col("lang")))
        .select("lang", "tokens", "lex").first();
  }

  @Test
  void eachLanguageHasItsOwnTokensAndStopWords() {
    Row en = prep("The courier was late AGAIN, and the [EMAIL] bounced 3 times!", null);
    assertEquals("en", en.getString(0));
    assertEquals(List.of("courier", "late", "bounced", "times"), en.getList(1), "lower case, stop words, placeholders and digits gone");
    Row es = prep("El envío llegó tarde y el mensajero no contestó", null);
    assertEquals("es", es.getString(0));
    assertEquals(List.of("envío", "llegó", "tarde", "mensajero", "contestó"), es.getList(1), "accents kept, Spanish stop words");
    Row pt = prep("A entrega atrasou e não recebi o reembolso", null);
    assertEquals("pt", pt.getString(0));
    assertEquals(List.of("entrega", "atrasou", "recebi", "reembolso"), pt.getList(1), "Portuguese stop words (não, o, e)");
    Row zh = prep("快递太慢了", null);
    assertEquals("zh", zh.getString(0));
    assertEquals(List.of("快递", "递太", "太慢", "慢了"), zh.getList(1), "Chinese by character bigrams");
    Row given = prep("Muy bien", "PT ");
    assertEquals("pt", given.getString(0), "a given language wins over detection");
  }

  @Test
  void lexiconScoresPerLanguage() {
    assertEquals(1.0, prep("Excellent and fast delivery", null).getDouble(2), 1e-9);
    assertEquals(-1.0, prep("Entrega pésima, muy decepcionado", null).getDouble(2), 1e-9);
    assertEquals(0.0, prep("A entrega chegou", null).getDouble(2), 1e-9);
    assertEquals(-1.0, prep("快递很差", null).getDouble(2), 1e-9);
  }
}
