"""Files for other systems, written the way those systems read them (Decidim's results importer)."""
