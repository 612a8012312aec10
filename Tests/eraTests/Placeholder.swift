import Testing

@Test func eraPlaceholder() { #expect(Bool(true)) }
