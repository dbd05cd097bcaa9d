export { CATEGORIES, type Category, isCategory } from './failure-category.js';
