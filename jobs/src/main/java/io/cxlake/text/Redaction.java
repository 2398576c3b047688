package io.cxlake.text;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * PII redaction with Spark's built-in regular expressions (no UDF): e-mail addresses, IBAN-like
 * and card-like numbers, phone numbers in international formats, and the customer's own name
 * when it is known (taken from the local part of their e-mail, first.last). Order matters:
 * IBANs and cards are replaced before phones so their digit runs are not read as phones.
 */
public final class Redaction {
  private Redaction() {}

  public static final String EMAIL = "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}";
  public static final String IBAN = "\\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\\b";
  public static final String CARD = "\\b[0-9]{4}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}\\b";
  public static final String PHONE = "(?<![\\w+(])[+(]?[0-9][0-9 ().-]{6,}[0-9]\\b";
  /**
   * A capitalised name after a sign-off ("Regards, Ana Silva", "Saludos, Juan", "Obrigado, Rui Costa"):
   * catches the writer's name when the customer's own name is not known.
   */
  public static final String SIGNED_NAME = "((?i:kind regards|best regards|regards|thanks|thank you|cheers|saludos|un saludo|"
      + "atentamente|gracias|atenciosamente|obrigad[oa]|abra[cç]os)[,:]?\\s+)(?!\\[NAME\\])\\p{Lu}\\p{Ll}+"
      + "(?:\\s+\\p{Lu}\\p{Ll}+)?";

  /** The placeholders, in the order counts are reported. */
  public static final java.util.List<String> TYPES = java.util.List.of("EMAIL", "IBAN", "CARD", "PHONE", "NAME");

  /**
   * The text with PII replaced by [EMAIL], [IBAN], [CARD], [PHONE] and [NAME].
   *
   * @param text  the free text
   * @param email the customer's e-mail (may be null): its first.last local part names them
   */
  public static Column redact(Column text, Column email) {
    Column t = regexp_replace(text, EMAIL, "[EMAIL]");
    t = regexp_replace(t, IBAN, "[IBAN]");
    t = regexp_replace(t, CARD, "[CARD]");
    t = regexp_replace(t, PHONE, "[PHONE]");
    // first.last12@x -> (?i)\b(first|last)\b ; names shorter than 2 letters are left alone.
    Column first = regexp_extract(email, "^([A-Za-z]{2,})\\.", 1);
    Column last = regexp_extract(email, "^[A-Za-z]+\\.([A-Za-z]{2,})", 1);
    Column namePattern = concat(lit("(?i)\\b("), first, lit("|"), last, lit(")\\b"));
    Column named = when(email.isNull().or(first.equalTo("")).or(last.equalTo("")), t)
        .otherwise(regexp_replace(t, namePattern, lit("[NAME]")));
    return regexp_replace(named, SIGNED_NAME, "$1[NAME]");
  }

  /** How often placeholder {@code type} (e.g. EMAIL) occurs in the redacted text and not in the original. */
  public static Column count(Column original, Column redacted, String type) {
    return occurrences(redacted, type).minus(occurrences(original, type));
  }

  private static Column occurrences(Column text, String type) {
    String token = "[" + type + "]";
    return org.apache.spark.sql.functions.coalesce(
        org.apache.spark.sql.functions.length(text)
            .minus(org.apache.spark.sql.functions.length(org.apache.spark.sql.functions.replace(text, lit(token), lit(""))))
            .divide(token.length()).cast("int"), lit(0));
  }
}
