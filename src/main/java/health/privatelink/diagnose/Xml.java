package health.privatelink.diagnose;

import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A small element tree read with StAX, for EC2's query-protocol answers. DTDs and external entities
 * are off: an answer cannot make the reader fetch or expand anything.
 */
final class Xml {
  private static final XMLInputFactory FACTORY = factory();

  private Xml() {}

  /** One element: its local name, its text (when it has no child elements) and its children. */
  record Node(String name, String text, List<Node> children) {

    /** The first child named {@code name}, if any. */
    Optional<Node> child(String name) {
      return children.stream().filter(c -> c.name.equals(name)).findFirst();
    }

    /** The children named {@code name}. */
    List<Node> all(String name) {
      return children.stream().filter(c -> c.name.equals(name)).toList();
    }

    /** The {@code item} children of the list child {@code name}: EC2's way of writing lists. */
    List<Node> items(String name) {
      return child(name).map(list -> list.all("item")).orElse(List.of());
    }

    /** The text of child {@code name}, or empty when it is missing or blank. */
    Optional<String> text(String name) {
      return child(name).map(Node::text).filter(t -> !t.isBlank());
    }

    /** The text of child {@code name}, or {@code otherwise}. */
    String text(String name, String otherwise) {
      return text(name).orElse(otherwise);
    }
  }

  static Node parse(byte[] document) throws XMLStreamException {
    XMLStreamReader reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(document));
    try {
      Deque<Building> open = new ArrayDeque<>();
      while (reader.hasNext()) {
        switch (reader.next()) {
          case XMLStreamConstants.START_ELEMENT -> open.push(new Building(reader.getLocalName()));
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
            if (!open.isEmpty()) {
              open.peek().text.append(reader.getText());
            }
          }
          case XMLStreamConstants.END_ELEMENT -> {
            Node done = open.pop().build();
            if (open.isEmpty()) {
              return done;
            }
            open.peek().children.add(done);
          }
          default -> {
            // comments, processing instructions, whitespace outside elements
          }
        }
      }
      throw new XMLStreamException("the document has no root element");
    } finally {
      reader.close();
    }
  }

  private static final class Building {
    final String name;
    final StringBuilder text = new StringBuilder();
    final List<Node> children = new ArrayList<>();

    Building(String name) {
      this.name = name;
    }

    Node build() {
      return new Node(name, children.isEmpty() ? text.toString().strip() : "", children);
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    return factory;
  }
}
