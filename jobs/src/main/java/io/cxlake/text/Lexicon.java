package io.cxlake.text;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * A small sentiment lexicon per language: the fallback where too little labelled text exists to
 * learn sentiment, and the words taken out before topic modelling (topics should say what a
 * text is about, not how the writer felt).
 */
public final class Lexicon {
  private Lexicon() {}

  static final Map<String, List<String>> POSITIVE = Map.of(
      "en", List.of("excellent", "great", "good", "happy", "love", "loved", "amazing", "perfect", "fast", "thank", "thanks",
          "awesome", "fantastic", "wonderful", "best", "easy", "helpful", "friendly", "recommend", "satisfied", "pleased"),
      "es", List.of("excelente", "gran", "genial", "contento", "contenta", "encantó", "encanta", "increíble", "perfecto",
          "gracias", "rápido", "bueno", "buena", "fácil", "recomiendo", "satisfecho", "feliz", "mejor", "amable"),
      "pt", List.of("excelente", "ótima", "ótimo", "feliz", "adorei", "incrível", "perfeito", "obrigado", "obrigada",
          "rápido", "bom", "boa", "fácil", "recomendo", "satisfeito", "melhor", "gentil", "maravilhoso"),
      "zh", List.of("好", "很好", "满意", "喜欢", "快", "优秀", "完美", "谢谢", "推荐", "方便"));

  static final Map<String, List<String>> NEGATIVE = Map.of(
      "en", List.of("terrible", "disappointed", "worse", "worst", "awful", "bad", "frustrated", "unacceptable", "poor",
          "slow", "broken", "horrible", "angry", "never", "rude", "useless", "waste", "problem", "late", "wrong"),
      "es", List.of("terrible", "decepcionado", "decepcionada", "pésima", "pésimo", "frustrado", "frustrada", "mala",
          "malo", "inaceptable", "horrible", "lento", "nunca", "problema", "peor", "tarde"),
      "pt", List.of("péssimo", "péssima", "decepcionado", "decepcionada", "horrível", "frustrado", "frustrada", "ruim",
          "inaceitável", "lento", "nunca", "problema", "pior", "atrasado"),
      "zh", List.of("差", "很差", "失望", "慢", "糟糕", "问题", "投诉", "退款", "生气", "垃圾"));

  /** Every lexicon word of every language (removed before topic modelling). */
  public static List<String> all() {
    List<String> all = new ArrayList<>();
    POSITIVE.values().forEach(all::addAll);
    NEGATIVE.values().forEach(all::addAll);
    return all;
  }

  /** (positive − negative hits) / (positive + negative hits) in the language's lexicon; 0 without hits. */
  public static Column score(Column tokens, Column lang) {
    Column pos = lit(0);
    Column neg = lit(0);
    for (String l : POSITIVE.keySet()) {
      Column p = TextPrep.literal(POSITIVE.get(l));
      Column n = TextPrep.literal(NEGATIVE.get(l));
      pos = when(lang.equalTo(l), size(filter(tokens, x -> array_contains(p, x)))).otherwise(pos);
      neg = when(lang.equalTo(l), size(filter(tokens, x -> array_contains(n, x)))).otherwise(neg);
    }
    Column en = TextPrep.literal(POSITIVE.get("en"));
    Column enNeg = TextPrep.literal(NEGATIVE.get("en"));
    Column known = lang.isin(POSITIVE.keySet().toArray());
    pos = when(known, pos).otherwise(size(filter(tokens, x -> array_contains(en, x))));
    neg = when(known, neg).otherwise(size(filter(tokens, x -> array_contains(enNeg, x))));
    return when(pos.plus(neg).gt(0), pos.minus(neg).divide(pos.plus(neg))).otherwise(lit(0.0));
  }
}
