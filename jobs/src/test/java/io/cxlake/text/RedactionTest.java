package io.cxlake.text;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Every planted PII pattern of the generator is replaced; ordinary text and numbers are left alone. */
class RedactionTest {
  private static String redact(String text, String email) {
    SparkSession spark = TestSpark.session();
    Row r = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(text, email)),
            new org.apache.spark.sql.types.StructType().add("t", "string").add("e", "string"))
        .select(Redaction.redact(col("t"), col("e"))).first();
    return r.getString(0);
  }

  @Test
  void emailsPhonesCardsIbansAndTheCustomersNameAreReplaced() {
    String email = "ana.silva12@example.com";
    assertEquals("Late parcel. Contact me at [EMAIL].", redact("Late parcel. Contact me at ana.silva12@example.com.", email));
    assertEquals("Call me on [PHONE].", redact("Call me on +44 20 7946 1234.", email));
    assertEquals("Ring [PHONE] please", redact("Ring (555) 123-4567 please", null));
    assertEquals("My card [CARD] was charged twice.", redact("My card 4111 1111 1111 1234 was charged twice.", email));
    assertEquals("My card [CARD] again", redact("My card 4111-1111-1111-1234 again", email));
    assertEquals("Refund to [IBAN].", redact("Refund to ES91 2100 0418 4502 0005 1234.", email));
    assertEquals("Regards, [NAME] [NAME].", redact("Regards, Ana Silva.", email));
    // the writer's name after a sign-off, also when the customer's e-mail (and so name) is unknown
    assertEquals("Regards, [NAME].", redact("Regards, Ana Silva.", null));
    assertEquals("Muito bom. Obrigado, [NAME]", redact("Muito bom. Obrigado, João Souza", null));
    assertEquals("thanks a lot", redact("thanks a lot", null));
  }

  @Test
  void ordinaryTextAndShortNumbersStay() {
    String text = "Waited 3 days for order 12345, rated 9 out of 10. Analysis was fine.";
    assertEquals(text, redact(text, "ana.silva12@example.com"));
    assertNull(redact(null, null));
  }
}
