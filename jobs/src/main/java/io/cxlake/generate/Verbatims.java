package io.cxlake.generate;

import java.util.List;
import java.util.Map;

/**
 * Verbatim text from known topics with sentiment tied to the score (the truth the voice
 * stage should recover). Topic words and sentiment phrases per language (en, es, pt).
 */
final class Verbatims {
  private Verbatims() {}

  static final List<String> TOPICS =
      List.of("delivery", "price", "support", "product_quality", "app_usability", "billing");

  /** Which topic a rated attribute speaks to. */
  static final Map<String, String> TOPIC_OF_ATTRIBUTE = Map.of(
      "reliability", "product_quality", "tangibles", "product_quality", "assurance", "billing",
      "empathy", "support", "responsiveness", "support", "delivery_speed", "delivery",
      "price_value", "price", "ease_of_use", "app_usability");

  private static final Map<String, Map<String, String[]>> NOUNS = Map.of(
      "en", Map.of(
          "delivery", new String[] {"delivery", "courier", "shipping", "parcel", "delivery time"},
          "price", new String[] {"price", "value for money", "fees", "prices", "cost"},
          "support", new String[] {"support team", "agent", "customer service", "call center", "help desk"},
          "product_quality", new String[] {"product quality", "material", "build quality", "product", "durability"},
          "app_usability", new String[] {"app", "website", "checkout page", "login", "navigation"},
          "billing", new String[] {"invoice", "billing", "payment", "charge", "refund"}),
      "es", Map.of(
          "delivery", new String[] {"entrega", "mensajero", "envío", "paquete", "plazo de entrega"},
          "price", new String[] {"precio", "relación calidad precio", "tarifas", "precios", "coste"},
          "support", new String[] {"equipo de soporte", "agente", "atención al cliente", "centro de llamadas", "servicio técnico"},
          "product_quality", new String[] {"calidad del producto", "material", "acabado", "producto", "durabilidad"},
          "app_usability", new String[] {"aplicación", "página web", "pago en línea", "inicio de sesión", "navegación"},
          "billing", new String[] {"factura", "facturación", "pago", "cobro", "reembolso"}),
      "pt", Map.of(
          "delivery", new String[] {"entrega", "transportadora", "frete", "encomenda", "prazo de entrega"},
          "price", new String[] {"preço", "custo benefício", "taxas", "preços", "valor"},
          "support", new String[] {"equipe de suporte", "atendente", "atendimento ao cliente", "central de atendimento", "suporte técnico"},
          "product_quality", new String[] {"qualidade do produto", "material", "acabamento", "produto", "durabilidade"},
          "app_usability", new String[] {"aplicativo", "site", "página de pagamento", "login", "navegação"},
          "billing", new String[] {"fatura", "cobrança", "pagamento", "débito", "reembolso"}));

  private static final Map<String, Map<String, String[]>> TEMPLATES = Map.of(
      "en", Map.of(
          "negative", new String[] {"The %s was terrible.", "Really disappointed with the %s.",
              "The %s keeps getting worse, awful experience.", "Very bad %s, I am frustrated.",
              "Worst %s I have had, unacceptable."},
          "neutral", new String[] {"The %s was ok.", "The %s is average, nothing special.",
              "The %s was fine but could be better.", "Acceptable %s overall."},
          "positive", new String[] {"The %s was excellent!", "Really happy with the %s.",
              "Great %s, thank you!", "Loved the %s, amazing experience.", "The %s was fast and perfect."}),
      "es", Map.of(
          "negative", new String[] {"El servicio de %s fue terrible.", "Muy decepcionado con %s.",
              "Pésima experiencia con %s, estoy frustrado.", "Muy mala %s, inaceptable."},
          "neutral", new String[] {"La %s fue normal.", "%s correcta, nada especial.",
              "La %s estuvo bien pero puede mejorar."},
          "positive", new String[] {"¡Excelente %s!", "Muy contento con %s.",
              "Gran %s, ¡gracias!", "Me encantó la %s, experiencia increíble."}),
      "pt", Map.of(
          "negative", new String[] {"O serviço de %s foi péssimo.", "Muito decepcionado com %s.",
              "Experiência horrível com %s, estou frustrado.", "Muito ruim a %s, inaceitável."},
          "neutral", new String[] {"A %s foi razoável.", "%s normal, nada de especial.",
              "A %s foi ok mas pode melhorar."},
          "positive", new String[] {"Excelente %s!", "Muito feliz com %s.",
              "Ótima %s, obrigado!", "Adorei a %s, experiência incrível."}));

  static String sentimentOf(int nps) {
    return nps >= 9 ? "positive" : nps >= 7 ? "neutral" : "negative";
  }

  static String sentimentOfRating(int rating) {
    return rating >= 4 ? "positive" : rating == 3 ? "neutral" : "negative";
  }

  static String text(Rand rnd, String language, String topic, String sentiment) {
    String[] nouns = NOUNS.get(language).get(topic);
    String[] templates = TEMPLATES.get(language).get(sentiment);
    String first = String.format(rnd.pick(templates), rnd.pick(nouns));
    if (rnd.chance(0.4)) {
      // A second sentence on the same topic makes texts of realistic, varied length.
      return first + " " + String.format(rnd.pick(templates), rnd.pick(nouns));
    }
    return first;
  }
}
