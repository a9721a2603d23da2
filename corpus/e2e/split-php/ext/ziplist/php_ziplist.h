#ifndef PHP_ZIPLIST_H
#define PHP_ZIPLIST_H

extern zend_module_entry ziplist_module_entry;
#define phpext_ziplist_ptr &ziplist_module_entry

#define PHP_ZIPLIST_VERSION "1.0.0"

#endif
