from geo.types import Article, Document, Furniture, Span


def test_document_in_body_excludes_furniture():
    doc = Document(Article("a", "x" * 100), body=Span(10, 90), furniture=(Furniture(40, 50, "ad"),))
    assert doc.in_body(10, 20) and not doc.in_body(45, 48) and not doc.in_body(5, 12)
