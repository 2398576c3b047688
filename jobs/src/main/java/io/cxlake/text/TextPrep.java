package io.cxlake.text;

import static org.apache.spark.sql.functions.*;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.sql.Column;

/**
 * Language-aware text preparation with Spark's built-in functions: language detection where the
 * data has none, normalisation, tokenisation (letters of any script; Chinese as character
 * bigrams) and stop words per language from MLlib's lists.
 */
public final class TextPrep {
  private TextPrep() {}

  /** MLlib's stop-word list of each language (Chinese has none; its bigrams carry little noise). */
  static final Map<String, List<String>> STOP_WORDS = Map.of(
      "en", Arrays.asList(StopWordsRemover.loadDefaultStopWords("english")),
      "es", Arrays.asList(StopWordsRemover.loadDefaultStopWords("spanish")),
      "pt", Arrays.asList(StopWordsRemover.loadDefaultStopWords("portuguese")));

  /** Lower case, placeholders ([EMAIL] ...) and digits removed. */
  public static Column normalized(Column text) {
    return lower(regexp_replace(regexp_replace(text, "\\[[A-Z]+\\]", " "), "[0-9]+", " "));
  }

  /** Words of two or more letters (any script, accents kept). */
  public static Column words(Column text) {
    return filter(split(normalized(text), "[^\\p{L}\\p{M}]+"), w -> length(w).geq(2));
  }

  /** Chinese: bigrams of consecutive Han characters (a single character when that is all there is). */
  static Column hanBigrams(Column text) {
    Column chars = split(regexp_replace(text, "[^\\p{IsHan}]", ""), "");
    Column chars1 = filter(chars, c -> length(c).gt(0));
    return when(size(chars1).leq(1), chars1)
        .otherwise(transform(sequence(lit(1), size(chars1).minus(1)),
            i -> concat(element_at(chars1, i), element_at(chars1, i.plus(1)))));
  }

  /**
   * The text's language: the given one when present, "zh" for Han script, else the one of en, es,
   * pt whose stop words the text uses most (en on ties and when none occur).
   */
  public static Column language(Column text, Column given, List<String> languages) {
    Column w = words(text);
    Column best = lit("en");
    Column bestHits = hits(w, "en");
    for (String lang : List.of("es", "pt")) {
      if (languages.contains(lang)) {
        Column h = hits(w, lang);
        best = when(h.gt(bestHits), lit(lang)).otherwise(best);
        bestHits = greatest(h, bestHits);
      }
    }
    Column detected = languages.contains("zh") ? when(text.rlike("\\p{IsHan}"), lit("zh")).otherwise(best) : best;
    return coalesce(lower(trim(given)), detected);
  }

  private static Column hits(Column words, String lang) {
    Column stop = literal(STOP_WORDS.get(lang));
    return size(filter(words, x -> array_contains(stop, x)));
  }

  /** Tokens for models: the language's own rules, stop words removed; languages without rules use en's. */
  public static Column tokens(Column text, Column lang, List<String> languages) {
    Column w = words(text);
    Column out = removeStop(w, "en");
    for (String l : List.of("es", "pt")) {
      if (languages.contains(l)) {
        out = when(lang.equalTo(l), removeStop(w, l)).otherwise(out);
      }
    }
    return languages.contains("zh") ? when(lang.equalTo("zh"), hanBigrams(text)).otherwise(out) : out;
  }

  /** {@code words} without the given terms (duplicates kept: counts matter). */
  public static Column without(Column words, List<String> terms) {
    Column list = literal(terms);
    return filter(words, x -> not(array_contains(list, x)));
  }

  private static Column removeStop(Column words, String lang) {
    return without(words, STOP_WORDS.get(lang));
  }

  static Column literal(List<String> values) {
    return array(values.stream().map(v -> lit(v)).toArray(Column[]::new));
  }
}
