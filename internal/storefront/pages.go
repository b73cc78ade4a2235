package storefront

import (
	"html/template"
	"net/http"
)

func parsePages() map[string]*template.Template { return nil }

func (h *handler) routePages(mux *http.ServeMux) {}
