set terminal svg size 800,500 dynamic font 'sans,12'
set termoption noenhanced
set output 'docs/compare/sync-reader_sleep.svg'
set title 'synchronize cycles against reader_sleep (log axes; 0 drawn at 1)'
set xlabel 'reader_sleep'
set ylabel 'synchronize cycles'
set key outside right
set grid
set logscale y
plot 'docs/compare/plot-data/sync-reader_sleep-v5.dat' using 1:2 with linespoints title 'v5', 'docs/compare/plot-data/sync-reader_sleep-v5-pcpucount.dat' using 1:2 with linespoints title 'v5-pcpucount', 'docs/compare/plot-data/sync-reader_sleep-listphase-nodebug.dat' using 1:2 with linespoints title 'listphase-nodebug', 'docs/compare/plot-data/sync-reader_sleep-pertask.dat' using 1:2 with linespoints title 'pertask', 'docs/compare/plot-data/sync-reader_sleep-pertask-bitmap.dat' using 1:2 with linespoints title 'pertask-bitmap', 'docs/compare/plot-data/sync-reader_sleep-refcount.dat' using 1:2 with linespoints title 'refcount', 'docs/compare/plot-data/sync-reader_sleep-percpu-ref.dat' using 1:2 with linespoints title 'percpu-ref'
