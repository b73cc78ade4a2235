package storefront

// Translate is tr, for the tests of package storefront_test.
var Translate = tr
